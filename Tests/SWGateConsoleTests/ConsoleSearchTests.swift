import Foundation
import SWGateHTTP
import SWGateStore
import Testing

/// The message search by each of its criteria, its pages, and its CSV export, in-process over a
/// real SQLite store.
@Suite("Console: message search")
struct ConsoleSearchTests {
    private func enqueue(
        _ store: SQLiteOutboxStore, _ wire: String, reference: String, replaces: String? = nil, type: String = "ATIGA-FORM-D",
        function: MessageFunction = .issue, destinations: [String] = ["nsw"]
    ) async throws -> String {
        try await store.enqueue(
            NewMessage(
                wireMessageID: wire, conversation: replaces ?? reference, documentType: type, function: function, source: "portal",
                payloads: destinations.map {
                    OutboundPayload(destination: $0, body: Data("<doc id='\(wire)'/>".utf8), contentType: "application/xml")
                },
                link: .document(reference: reference, replaces: replaces))
        ).id
    }

    /// The wire message ids listed on a search page (each row shows the message's wire id).
    private func listed(_ page: String, among wires: [String]) -> Set<String> {
        Set(wires.filter { page.contains(">\($0)<") })
    }

    @Test("Search by gateway id, wire id, reference (a licence's too), destination and function finds exactly the matching messages")
    func criteria() async throws {
        let harness = try ConsoleHarness()
        defer { harness.close() }
        let store = harness.store
        let issue = try await enqueue(store, "W-ISSUE", reference: "VN-TH 26/03/000901", destinations: ["nsw", "asw"])
        _ = try await enqueue(store, "W-AMEND", reference: "VN-TH 26/03/000901-A1", replaces: "VN-TH 26/03/000901", function: .amend)
        _ = try await enqueue(store, "W-LICENCE", reference: "LIC-2026-000123", type: "IMPORT-EXPORT-LICENCE")
        _ = try await enqueue(store, "W-ASW", reference: "VN-MY 26/03/000902", destinations: ["asw"])
        let wires = ["W-ISSUE", "W-AMEND", "W-LICENCE", "W-ASW"]
        let alice = try await harness.signIn("alice", ConsoleHarness.operatorPassword)
        func search(_ query: [String: String]) async -> Set<String> {
            let page = await harness.send("GET", "/console/messages", query: query, cookie: alice.cookie)
            #expect(page.status == 200)
            return listed(page.text, among: wires)
        }
        #expect(await search([:]) == Set(wires))
        #expect(await search(["id": issue]) == ["W-ISSUE"], "by the gateway's id")
        #expect(await search(["id": "W-AMEND"]) == ["W-AMEND"], "by the wire message id")
        #expect(await search(["reference": "LIC-2026-000123"]) == ["W-LICENCE"], "by a licence number")
        #expect(await search(["destination": "asw"]) == ["W-ISSUE", "W-ASW"])
        #expect(await search(["function": "amend"]) == ["W-AMEND"])
        #expect(await search(["conversation": "VN-TH 26/03/000901"]) == ["W-ISSUE", "W-AMEND"], "a chain is one conversation")
        #expect(await search(["destination": "asw", "function": "ISSUE", "id": "W-ASW"]) == ["W-ASW"], "criteria combine")
    }

    @Test("Results come in pages of 50 with Next and Previous; the CSV export honours the criteria")
    func pagesAndExport() async throws {
        let harness = try ConsoleHarness()
        defer { harness.close() }
        let wires = (0..<53).map { String(format: "P-%03d", $0) }
        for wire in wires { _ = try await enqueue(harness.store, wire, reference: "VN-TH 26/04/\(wire)") }
        _ = try await enqueue(harness.store, "W-ASW", reference: "VN-MY 26/04/000001", destinations: ["asw"])
        let alice = try await harness.signIn("alice", ConsoleHarness.operatorPassword)
        let first = await harness.send("GET", "/console/messages", query: ["destination": "nsw"], cookie: alice.cookie)
        let second = await harness.send("GET", "/console/messages", query: ["destination": "nsw", "page": "2"], cookie: alice.cookie)
        let onFirst = listed(first.text, among: wires)
        let onSecond = listed(second.text, among: wires)
        #expect(onFirst.count == 50 && onSecond.count == 3, "\(onFirst.count) + \(onSecond.count)")
        #expect(onFirst.union(onSecond) == Set(wires) && onFirst.isDisjoint(with: onSecond))
        #expect(first.text.contains(#"id="next""#) && !first.text.contains(#"id="previous""#))
        #expect(second.text.contains(#"id="previous""#) && !second.text.contains(#"id="next""#))
        #expect(!first.text.contains(">W-ASW<") && !second.text.contains(">W-ASW<"))
        let csv = await harness.send("GET", "/console/messages", query: ["destination": "asw", "format": "csv"], cookie: alice.cookie)
        let lines = csv.text.split(whereSeparator: \.isNewline)
        #expect(lines.count == 2, "a header and the one asw delivery: \(csv.text)")
        #expect(lines.last?.contains("W-ASW") == true)
    }
}

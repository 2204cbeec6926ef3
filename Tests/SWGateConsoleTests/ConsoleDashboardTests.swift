import Foundation
import SWGateConsole
import SWGateHTTP
import SWGateStore
import SWGateTesting
import Testing

@Suite("Console: the dashboard")
struct ConsoleDashboardTests {
    @Test("An open breaker, a certificate expiring in days, the oldest pending age, counts per destination and the reason of a recent failure")
    func attention() async throws {
        let expiring = Date().addingTimeInterval(3 * 86_400)
        let harness = try ConsoleHarness { store in
            ConsoleContext(
                store: store,
                breakers: {
                    [
                        .init(destination: "asw", state: "open", detail: "trial attempt in 25 s"),
                        .init(destination: "nsw", state: "closed", detail: "0 consecutive failure(s)"),
                    ]
                },
                certificates: {
                    [
                        .init(role: "partner ASW-TH", subject: "CN=asw-gateway.example.th", notAfter: expiring, daysRemaining: 3, status: "expiring"),
                        .init(
                            role: "signing key", subject: "CN=swgate.example.vn", notAfter: Date().addingTimeInterval(400 * 86_400),
                            daysRemaining: 400, status: "ok"),
                    ]
                }, version: "test")
        }
        defer { harness.close() }
        let deadID = try await harness.deadMessage("W-1", conversation: "VN-1")
        _ = try await harness.store.enqueue(
            NewMessage(
                wireMessageID: "W-2", conversation: "VN-2", documentType: "ATIGA-FORM-D", function: .issue, source: "portal",
                payloads: [OutboundPayload(destination: "asw", body: Data("<doc/>".utf8), contentType: "application/xml")]))
        let alice = try await harness.signIn("alice", ConsoleHarness.operatorPassword)
        let page = await harness.send("GET", "/console/", cookie: alice.cookie)
        #expect(page.status == 200)

        // Only the breaker that is not closed, with its detail.
        #expect(page.rows("breakers") == [["asw", "open", "trial attempt in 25 s"]])
        // Only the certificate within the warning days.
        let certificates = page.rows("certificates")
        #expect(certificates.count == 1)
        #expect(certificates.first.map { [$0[0], $0[1], $0[3], $0[4]] } == ["partner ASW-TH", "CN=asw-gateway.example.th", "3", "expiring"])
        // The pending message's age (seconds, here), not "none".
        let oldest = try #require(page.textOf("oldest-pending"))
        #expect(oldest.hasSuffix("Oldest pending") && !oldest.hasPrefix("none"), "\(oldest)")
        // Destination × state, each count a link to the search.
        let states = DeliveryState.allCases.map(\.rawValue)
        let byDestination = page.rows("by-destination")
        #expect(byDestination.map { $0[0] } == ["asw", "nsw"])
        let asw = try #require(byDestination.first)
        let nsw = try #require(byDestination.last)
        let pending = try #require(states.firstIndex(of: "pending"))
        let dead = try #require(states.firstIndex(of: "dead"))
        #expect(asw[1 + pending] == "1" && nsw[1 + dead] == "1")
        #expect(asw.dropFirst().filter { $0 != "0" }.count == 1 && nsw.dropFirst().filter { $0 != "0" }.count == 1)
        #expect(page.element("by-destination")?.contains(#"href="/console/messages?destination=nsw&amp;state=dead""#) == true)
        // The failure with its reason (escaped).
        let failures = page.rows("recent-failures")
        #expect(failures.count == 1)
        #expect(failures.first.map { [$0[1], $0[2], $0[3], $0[4], $0[5]] } == [deadID, "nsw", "dead", "1", "HTTP 503 &lt;Service Unavailable&gt;"])
    }
}

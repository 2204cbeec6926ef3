import Foundation
import SWGateConsole
import SWGateHTTP
import SWGateStore
import SWGateTesting
import Testing

@Suite("Console: every action in the audit log")
struct ConsoleAuditTrailTests {
    @Test("Sign-in, failed sign-in (as the name typed), downloads, export, chain verification and sign-out are audited with the operator")
    func everyAction() async throws {
        let harness = try ConsoleHarness()
        defer { harness.close() }
        let id = try await harness.deadMessage("W-1", conversation: "VN-1")
        let record = try #require(try await harness.store.message(id: id))
        let delivery = record.deliveries[0]

        // A wrong password, under a name that is no operator's.
        let page = await harness.send("GET", "/console/sign-in")
        let signInCookie = try #require(page.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
        let token = try #require(ConsoleHarness.csrf(in: page))
        let refused = await harness.send(
            "POST", "/console/sign-in", cookie: signInCookie, form: [("csrf", token), ("name", "mallory"), ("password", "guess")])
        #expect(refused.status == 401)

        let alice = try await harness.signIn("alice", ConsoleHarness.operatorPassword)
        let payload = await harness.send("GET", "/console/messages/\(id)/payload/\(delivery.id)", cookie: alice.cookie)
        #expect(payload.status == 200)
        let csv = await harness.send("GET", "/console/messages", query: ["state": "dead", "format": "csv"], cookie: alice.cookie)
        #expect(csv.status == 200)
        let verified = await harness.send("POST", "/console/audit/verify", cookie: alice.cookie, form: [("csrf", alice.csrf)])
        #expect(verified.status == 200)
        #expect(await harness.send("POST", "/console/sign-out", cookie: alice.cookie, form: [("csrf", alice.csrf)]).status == 303)

        let entries = try await harness.store.auditEntries(messageID: nil)
        let actions = entries.filter { $0.actor != "test" && $0.actor != "gateway" && $0.event != .accepted }
        #expect(
            actions.map { "\($0.event.rawValue) by \($0.actor)" } == [
                "sign-in-failed by mallory", "signed-in by alice", "payload-downloaded by alice", "exported by alice", "audit-verified by alice",
                "signed-out by alice",
            ])
        let byEvent = Dictionary(actions.map { ($0.event, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byEvent[.signInFailed]?.messageID == nil && byEvent[.signedIn]?.messageID == nil)
        #expect(byEvent[.signedIn]?.detail == "signed in as operator")
        let download = try #require(byEvent[.payloadDownloaded])
        #expect(download.messageID == id && download.destination == "nsw")
        #expect(download.detail.contains("sha256 \(AuditEntry.sha256Hex(Data(payload.body)))"))
        #expect(byEvent[.exported]?.detail == "CSV of 1 delivery; search: state = dead")
        #expect(byEvent[.auditVerified]?.detail.hasPrefix("chain intact:") == true)
        #expect(try await harness.store.verifyAudit().isIntact)
        // The verification is listed on the page it answered, with the operator.
        #expect(verified.rows("audit").first?.contains("audit-verified") == true)
    }

    @Test("A viewer's receipt download is audited with the viewer's name and the receipt's digest")
    func receiptDownload() async throws {
        let harness = try ConsoleHarness()
        defer { harness.close() }
        let receipt = Data("<Receipt ref='W-2'/>".utf8)
        let id = try await harness.deliveredMessage("W-2", conversation: "VN-2", receipt: receipt)
        let record = try #require(try await harness.store.message(id: id))
        let victor = try await harness.signIn("victor", ConsoleHarness.viewerPassword)
        let download = await harness.send("GET", "/console/messages/\(id)/receipt/\(record.deliveries[0].id)/0", cookie: victor.cookie)
        #expect(download.status == 200 && Data(download.body) == receipt)
        let entry = try #require(try await harness.store.auditEntries(messageID: id).last)
        #expect(entry.event == .receiptDownloaded && entry.actor == "victor" && entry.destination == "nsw")
        #expect(entry.detail == "receipt 1: application/xml, \(receipt.count) bytes, sha256 \(AuditEntry.sha256Hex(receipt))")
    }
}

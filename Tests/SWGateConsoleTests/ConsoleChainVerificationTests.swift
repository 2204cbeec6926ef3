import Foundation
import GRDB
import SWGateHTTP
import SWGateStore
import SWGateTesting
import Testing

@Suite("Console: the chain verification finds a tampered entry")
struct ConsoleChainVerificationTests {
    @Test("An audit row edited in the SQLite file: the verification page says the chain is broken and names the entry")
    func tampered() async throws {
        let harness = try ConsoleHarness()
        defer { harness.close() }
        let id = try await harness.deadMessage("W-1", conversation: "VN-1")
        let alice = try await harness.signIn("alice", ConsoleHarness.operatorPassword)
        let entries = try await harness.store.auditEntries(messageID: id)
        let victim = try #require(entries.first { $0.event == .dead })

        // Someone with access to the file rewrites the reason of one entry, leaving its hash.
        let file = try DatabaseQueue(path: harness.directory.path("outbox.sqlite"))
        try await file.write { db in
            try db.execute(sql: "UPDATE audit_log SET detail = 'delivered' WHERE seq = ?", arguments: [victim.sequence])
        }
        try file.close()

        #expect(await harness.send("POST", "/console/audit/verify", cookie: alice.cookie).status == 403, "no CSRF token")
        let page = await harness.send("POST", "/console/audit/verify", cookie: alice.cookie, form: [("csrf", alice.csrf)])
        #expect(page.status == 200)
        let verification = try #require(page.textOf("verification"))
        #expect(verification.contains("The audit chain is BROKEN: 1 problem(s)"), "\(verification)")
        #expect(verification.contains("Entry \(victim.sequence): entry \(victim.sequence) was edited"), "\(verification)")
        #expect(page.element("verification")?.contains(#"class="notice bad""#) == true)
    }
}

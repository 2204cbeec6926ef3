import Foundation
import GRDB
import SWGateStore
import Testing

@Suite("Tamper-evident audit log")
struct AuditTests {
    /// A store with some history (accepted, sending, retry, delivered, failed, replayed): 10+ entries.
    private func populate(_ store: SQLiteOutboxStore) async throws {
        _ = try await store.enqueue(formD("M-1", conversation: "C-1"))
        _ = try await store.enqueue(formD("M-2", conversation: "C-2"))
        _ = try await store.enqueue(formD("M-3", conversation: "C-3"))
        let claimed = try await store.claimNow()
        try await store.finish(claimed[0], .delivered(receipt: nil))
        try await store.finish(claimed[1], .retry(at: Date()))
        try await store.finish(claimed[2], .failed)
        _ = try await store.replay(ReplayRequest(selection: .messages([claimed[2].messageID]), operatorName: "bob", dryRun: false))
    }

    /// Runs raw SQL on the store file, as an attacker with file access would.
    private func tamper(_ path: String, _ sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { try $0.execute(sql: sql) }
        try queue.close()
    }

    @Test("Every state change is chained and the intact log verifies")
    func intact() async throws {
        try await withStore { store, _ in
            try await populate(store)
            let report = try await store.verifyAudit()
            #expect(report.isIntact)
            let events = try await store.auditEntries(messageID: nil).map(\.event)
            #expect(events.filter { $0 == .accepted }.count == 3)
            #expect(events.contains(.sending) && events.contains(.delivered) && events.contains(.retryScheduled))
            #expect(events.contains(.failed) && events.contains(.replayed))
            #expect(report.entryCount == events.count)
        }
    }

    @Test("An edited entry is found and named")
    func edited() async throws {
        try await withStore { store, path in
            try await populate(store)
            try tamper(path, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
            let report = try await store.verifyAudit()
            #expect(!report.isIntact)
            #expect(report.problems.first?.sequence == 3)
            #expect(report.problems.first?.reason.contains("edited") == true)
        }
    }

    @Test("An edited entry whose hash was recomputed breaks the link to the next entry")
    func editedWithRecomputedHash() async throws {
        try await withStore { store, path in
            try await populate(store)
            try tamper(path, "UPDATE audit_log SET hash = '\(String(repeating: "a", count: 64))' WHERE seq = 4")
            let report = try await store.verifyAudit()
            #expect(report.problems.map(\.sequence).contains(5))
        }
    }

    @Test("A deleted entry is found and named")
    func deleted() async throws {
        try await withStore { store, path in
            try await populate(store)
            try tamper(path, "DELETE FROM audit_log WHERE seq = 5")
            let report = try await store.verifyAudit()
            #expect(report.problems.first?.sequence == 6)
            #expect(report.problems.first?.reason.contains("entry 5 is missing") == true)
        }
    }

    @Test("Deleting the last entries is found through the recorded head")
    func deletedAtEnd() async throws {
        try await withStore { store, path in
            try await populate(store)
            let last = try #require(try await store.verifyAudit().lastSequence)
            try tamper(path, "DELETE FROM audit_log WHERE seq >= \(last - 1)")
            let report = try await store.verifyAudit()
            #expect(report.problems.first?.sequence == last - 1)
            #expect(report.problems.first?.reason.contains("missing") == true)
        }
    }

    @Test("An inserted entry is found and named")
    func inserted() async throws {
        try await withStore { store, path in
            try await populate(store)
            // Make room after entry 4 and insert a forged entry 5 that chains to entry 4.
            try tamper(
                path,
                """
                UPDATE audit_log SET seq = -seq WHERE seq > 4;
                UPDATE audit_log SET seq = -seq + 1 WHERE seq < 0;
                INSERT INTO audit_log (seq, at, event, message_id, destination, actor, detail, prev_hash, hash)
                    SELECT 5, at, 'delivered', message_id, 'nsw', 'mallory', 'forged', hash, '\(String(repeating: "b", count: 64))' FROM audit_log WHERE seq = 4;
                UPDATE audit_head SET seq = seq + 1;
                """)
            let report = try await store.verifyAudit()
            #expect(!report.isIntact)
            #expect(report.problems.map(\.sequence).contains(5))
            #expect(report.problems.map(\.sequence).contains(6))
        }
    }
}

@Suite("Opening the store")
struct OpeningTests {
    @Test("A missing store is not created when createIfMissing is false")
    func missing() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("none.sqlite").path
            var configuration = SQLiteOutboxStore.Configuration()
            configuration.createIfMissing = false
            #expect(throws: OutboxError(.storeMissing, "no store at \(path)")) {
                _ = try SQLiteOutboxStore(path: path, configuration: configuration)
            }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test("A file of random bytes is reported as corrupted and left unchanged")
    func corrupted() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("random.sqlite").path
            let bytes = Data((0..<8192).map { _ in UInt8.random(in: 0...255) })
            try bytes.write(to: URL(fileURLWithPath: path))
            do {
                _ = try SQLiteOutboxStore(path: path)
                Issue.record("opening random bytes succeeded")
            } catch {
                #expect((error as? OutboxError)?.code == .storeCorrupted)
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
        }
    }

    @Test("Durations parse as operators write them and bad ones are refused")
    func durations() throws {
        #expect(try HumanDuration.seconds("30s") == 30)
        #expect(try HumanDuration.seconds("15m") == 900)
        #expect(try HumanDuration.seconds("2h") == 7200)
        #expect(try HumanDuration.seconds("7d") == 604_800)
        for bad in ["", "s", "10", "-5m", "1.5h", "5w", "abc", "0s", "99999999999999999999d"] {
            #expect(throws: OutboxError.self) { _ = try HumanDuration.seconds(bad) }
        }
    }

    @Test("Durations in milliseconds, as the configuration writes them; zero only where allowed")
    func millisecondDurations() throws {
        #expect(try HumanDuration.parse("250ms") == .milliseconds(250))
        #expect(try HumanDuration.parse("5m") == .seconds(300))
        #expect(try HumanDuration.seconds("2000ms") == 2)
        #expect(try HumanDuration.parse("0s", allowZero: true) == .zero)
        #expect(try HumanDuration.parse("0", allowZero: true) == .zero)
        for bad in ["ms", "1.5ms", "0ms", "1500ms-", "10 m s"] {
            #expect(throws: OutboxError.self) { _ = try HumanDuration.parse(bad) }
        }
        #expect(throws: OutboxError.self) { _ = try HumanDuration.seconds("1500ms") }
    }
}

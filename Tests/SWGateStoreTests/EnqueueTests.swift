import Foundation
import GRDB
import SWGateStore
import Testing

@Suite("Enqueue, durability and idempotency")
struct EnqueueTests {
    @Test("An accepted message is on disk: a new store on the same file sees it with its exact bytes")
    func acceptedIsDurable() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("outbox.sqlite").path
            let message = formD("M-1", destinations: ["nsw", "asw"])
            let result: EnqueueResult
            do {
                let store = try SQLiteOutboxStore(path: path)
                result = try await store.enqueue(message)
                try store.close()
            }
            let reopened = try SQLiteOutboxStore(path: path)
            defer { try? reopened.close() }
            let record = try #require(try await reopened.message(id: result.id))
            #expect(record.deliveries.map(\.destination) == ["nsw", "asw"])
            #expect(record.deliveries.allSatisfy { $0.state == .pending })
            let claimed = try await reopened.claimNow("asw")
            #expect(claimed.map(\.payload) == [message.payloads[1].body])
        }
    }

    @Test("The writer connection commits with synchronous = FULL in WAL mode")
    func durableSettings() async throws {
        try await withStore { store, path in
            _ = try await store.enqueue(formD("M-1"))
            let durability = try await store.durability()
            #expect(durability.journalMode == "wal")
            #expect(durability.synchronous == 2)
            // WAL is recorded in the file itself: another connection sees it too.
            let queue = try DatabaseQueue(path: path)
            let mode = try await queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
            #expect(mode == "wal")
        }
    }

    @Test("Every connection's page cache is bounded: the writer's, a reader's and the checkpointer's")
    func pageCacheBounded() async throws {
        try await withStore { store, _ in
            for index in 0..<50 { _ = try await store.enqueue(formD("M-\(index)")) }
            let bound = -SQLiteOutboxStore.pageCacheKiB
            #expect(bound == -8192)
            let sizes = try await store.pageCacheSizes()
            #expect(sizes.count == 3)
            #expect(sizes.allSatisfy { $0 == bound })
        }
    }

    @Test("A repeated Idempotency-Key returns the original message and stores nothing new")
    func submissionIdempotency() async throws {
        try await withStore { store, _ in
            let key = IdempotencyKey.submission(client: "portal", key: "k-1")
            let first = try await store.enqueue(formD("M-1", key: key))
            let second = try await store.enqueue(formD("M-1", key: key))
            #expect(!first.isDuplicate)
            #expect(second.isDuplicate)
            #expect(second.id == first.id)
            #expect(second.acknowledgement == Data("ack-M-1".utf8))
            #expect(try await store.stats().messageCount == 1)
        }
    }

    @Test("The same key with different content is a conflict and changes nothing")
    func idempotencyConflict() async throws {
        try await withStore { store, _ in
            let key = IdempotencyKey.submission(client: "portal", key: "k-1")
            _ = try await store.enqueue(formD("M-1", key: key))
            await #expect(throws: OutboxError.self) {
                _ = try await store.enqueue(formD("M-1", key: key, body: "<FormD changed='yes'/>"))
            }
            #expect(try await store.stats().messageCount == 1)
            #expect(try await store.verifyAudit().entryCount == 1)
        }
    }

    @Test("enqueue(_:rememberingSubmission:) commits the message and the submission key together; a refused message leaves no key")
    func enqueueRememberingSubmission() async throws {
        try await withStore { store, _ in
            let certificate = IdempotencyKey(scope: "certificate:portal", key: "VN/1/ISSUE")
            let header = IdempotencyKey.submission(client: "portal", key: "h-1")
            let message = formD("M-1", key: certificate)
            let first = try await store.enqueue(message, rememberingSubmission: header)
            let remembered = try #require(try await store.submission(header))
            #expect(remembered.messageID == first.id)
            #expect(remembered.contentDigest == message.contentDigest)
            // The same certificate again under another key: the original, and the new key points at it.
            let other = IdempotencyKey.submission(client: "portal", key: "h-2")
            let again = try await store.enqueue(message, rememberingSubmission: other)
            #expect(again.isDuplicate)
            #expect(try await store.submission(other)?.messageID == first.id)
            // Different content for the same certificate is refused, and its key is not remembered.
            let refused = IdempotencyKey.submission(client: "portal", key: "h-3")
            await #expect(throws: OutboxError.self) {
                _ = try await store.enqueue(formD("M-3", key: certificate, body: "<FormD changed='yes'/>"), rememberingSubmission: refused)
            }
            #expect(try await store.submission(refused) == nil)
            #expect(try await store.stats().messageCount == 1)
        }
    }

    @Test("An inbound duplicate (same sender and message id) is processed once; another sender's is not a duplicate")
    func inboundIdempotency() async throws {
        try await withStore { store, _ in
            let first = try await store.enqueue(formD("NSW-77", function: .ack, destinations: ["portal"], key: .inbound(sender: "nsw", messageID: "NSW-77")))
            let again = try await store.enqueue(formD("NSW-77", function: .ack, destinations: ["portal"], key: .inbound(sender: "nsw", messageID: "NSW-77")))
            let other = try await store.enqueue(formD("NSW-77", function: .ack, destinations: ["portal"], key: .inbound(sender: "asw", messageID: "NSW-77")))
            #expect(again.isDuplicate && again.id == first.id)
            #expect(!other.isDuplicate && other.id != first.id)
            #expect(try await store.stats().messageCount == 2)
        }
    }

    @Test("A message with no destination, or the same destination twice, is refused")
    func invalidMessages() async throws {
        try await withStore { store, _ in
            await #expect(throws: OutboxError.self) { _ = try await store.enqueue(formD("M-1", destinations: [])) }
            await #expect(throws: OutboxError.self) { _ = try await store.enqueue(formD("M-2", destinations: ["nsw", "nsw"])) }
            let count = try await store.stats().messageCount
            #expect(count == 0)
        }
    }

    @Test("Group commit: 64 concurrent enqueues share far fewer transactions than messages")
    func groupCommitBatches() async throws {
        try await withStore { store, _ in
            let before = store.counters
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<64 {
                    group.addTask { _ = try await store.enqueue(formD("M-\(index)", conversation: "C-\(index)")) }
                }
                try await group.waitForAll()
            }
            let after = store.counters
            #expect(after.units - before.units == 64)
            // Far fewer transactions than messages (typically 2–3 here; the bound leaves room for a loaded CI machine).
            #expect(after.transactions - before.transactions <= 32)
            #expect(try await store.stats().messageCount == 64)
            #expect(try await store.verifyAudit().isIntact)
        }
    }

    @Test("Under a sustained burst the committer hands the writer back: another writer access is answered before the burst ends")
    func writerIsSharedUnderLoad() async throws {
        try await withStore { store, _ in
            let producers = 64
            let perProducer = 150
            let answeredAt = try await withThrowingTaskGroup(of: Int?.self) { group in
                for producer in 0..<producers {
                    group.addTask {
                        for index in 0..<perProducer {
                            _ = try await store.enqueue(formD("S-\(producer)-\(index)", conversation: "C-\(producer)-\(index)"))
                        }
                        return nil
                    }
                }
                group.addTask {
                    // Once the burst runs, ask for the writer connection (durability() reads its settings there).
                    while store.counters.units < 640 { try await Task.sleep(for: .milliseconds(1)) }
                    let durability = try await store.durability()
                    #expect(durability.synchronous == 2)
                    return store.counters.units
                }
                var answeredAt: Int?
                for try await units in group { if let units { answeredAt = units } }
                return answeredAt
            }
            let units = try #require(answeredAt)
            #expect(units < producers * perProducer)
            #expect(try await store.stats().messageCount == producers * perProducer)
        }
    }

    @Test("Without group commit every enqueue is its own transaction")
    func oneTransactionPerMessage() async throws {
        var configuration = SQLiteOutboxStore.Configuration()
        configuration.groupCommit = false
        try await withStore(configuration: configuration) { store, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<16 {
                    group.addTask { _ = try await store.enqueue(formD("M-\(index)", conversation: "C-\(index)")) }
                }
                try await group.waitForAll()
            }
            #expect(store.counters.transactions == 16)
        }
    }

    @Test("A failing unit in a group-committed batch is rolled back alone")
    func failingUnitIsIsolated() async throws {
        try await withStore { store, _ in
            let key = IdempotencyKey.submission(client: "portal", key: "dup")
            _ = try await store.enqueue(formD("M-0", key: key))
            let results = await withTaskGroup(of: Bool.self) { group in
                for index in 1...20 {
                    group.addTask {
                        // Every fifth reuses the key with different content: a conflict.
                        let message = index % 5 == 0 ? formD("M-\(index)", key: key, body: "<other/>") : formD("M-\(index)", conversation: "C-\(index)")
                        return (try? await store.enqueue(message)) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 16)
            #expect(try await store.stats().messageCount == 17)
            #expect(try await store.verifyAudit().isIntact)
        }
    }
}

import Foundation
import SWGateStore
import Testing

@Suite("Outbox contract: enqueue, duplicates, conflicts")
struct EnqueueContractTests {
    @Test("An accepted message has one pending delivery per destination and an accepted audit entry", arguments: StoreKind.allCases)
    func accepted(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let result = try await store.enqueue(formD("M-1", destinations: ["nsw", "asw"]))
            #expect(!result.isDuplicate)
            #expect(result.destinations == ["nsw", "asw"])
            let record = try #require(try await store.message(id: result.id))
            #expect(record.wireMessageID == "M-1")
            #expect(record.deliveries.map(\.state) == [.pending, .pending])
            #expect(record.deliveries.map(\.destination) == ["nsw", "asw"])
            #expect(try await store.message(id: "M-1")?.id == result.id)
            let audit = try await store.auditEntries(messageID: result.id)
            #expect(audit.map(\.event) == [.accepted])
            #expect(audit.first?.detail.contains("destinations=nsw,asw") == true)
        }
    }

    @Test("A repeated idempotency key returns the original; other content is a conflict", arguments: StoreKind.allCases)
    func idempotencyKey(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let key = IdempotencyKey.inbound(sender: "nsw", messageID: "W-1")
            let first = try await store.enqueue(formD("W-1", key: key))
            let again = try await store.enqueue(formD("W-1", key: key))
            #expect(again.isDuplicate)
            #expect(again.id == first.id)
            #expect(again.acknowledgement == Data("ack-W-1".utf8))
            let code = await outboxErrorCode { _ = try await store.enqueue(formD("W-1", key: key, body: "<other/>")) }
            #expect(code == .idempotencyConflict)
            #expect(try await store.stats().messageCount == 1)
        }
    }

    @Test("A malformed message is refused and nothing is stored", arguments: StoreKind.allCases)
    func invalid(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let none = await outboxErrorCode { _ = try await store.enqueue(formD("M-1", destinations: [])) }
            #expect(none == .invalidRequest)
            let twice = await outboxErrorCode { _ = try await store.enqueue(formD("M-1", destinations: ["nsw", "nsw"])) }
            #expect(twice == .invalidRequest)
            let stored = try await store.stats().messageCount
            #expect(stored == 0)
        }
    }

    @Test("Idempotency-Key: same content answers the original, other content is a submission conflict", arguments: StoreKind.allCases)
    func submissionKey(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let key = IdempotencyKey.submission(client: "portal", key: "K-1")
            let first = try await store.enqueue(formD("M-1"), rememberingSubmission: key)
            let again = try await store.enqueue(formD("M-1"), rememberingSubmission: key)
            #expect(again.isDuplicate && again.id == first.id)
            #expect(try await store.submission(key)?.messageID == first.id)
            let code = await outboxErrorCode { _ = try await store.enqueue(formD("M-2", body: "<x/>"), rememberingSubmission: key) }
            #expect(code == .submissionConflict)
            #expect(try await store.stats().messageCount == 1)
        }
    }

    @Test("Concurrent submissions with one Idempotency-Key store exactly one message", arguments: StoreKind.allCases)
    func concurrentSubmissionKey(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let key = IdempotencyKey.submission(client: "portal", key: "K-race")
            let results = try await withThrowingTaskGroup(of: EnqueueResult.self) { group in
                for _ in 0..<16 { group.addTask { try await store.enqueue(formD("M-race"), rememberingSubmission: key) } }
                return try await group.reduce(into: [EnqueueResult]()) { $0.append($1) }
            }
            #expect(Set(results.map(\.id)).count == 1)
            #expect(results.filter { !$0.isDuplicate }.count == 1)
            #expect(try await store.stats().messageCount == 1)
        }
    }
}

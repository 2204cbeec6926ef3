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

    @Test(
        "Concurrent submissions with one Idempotency-Key and different content: one stored, every other one a conflict", arguments: StoreKind.allCases
    )
    func concurrentSubmissionKeyConflict(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let key = IdempotencyKey.submission(client: "portal", key: "K-clash")
            let outcomes = await withTaskGroup(of: Result<EnqueueResult, OutboxError>.self) { group in
                for index in 0..<16 {
                    group.addTask {
                        do {
                            return .success(try await store.enqueue(formD("M-clash-\(index)"), rememberingSubmission: key))
                        } catch {
                            return .failure(error as? OutboxError ?? OutboxError(.storeUnavailable, "\(error)"))
                        }
                    }
                }
                return await group.reduce(into: [Result<EnqueueResult, OutboxError>]()) { $0.append($1) }
            }
            let stored = outcomes.compactMap { try? $0.get() }
            #expect(stored.count == 1 && stored.first?.isDuplicate == false, "\(outcomes)")
            let refusals = outcomes.compactMap { if case .failure(let error) = $0 { error.code } else { nil } }
            #expect(refusals == Array(repeating: OutboxError.Code.submissionConflict, count: 15), "\(refusals)")
            #expect(try await store.stats().messageCount == 1)
            let remembered = try await store.submission(key)
            #expect(remembered?.messageID == stored.first?.id)
        }
    }

    /// What many concurrent enqueues get: the answers they would get one by one, whether the store
    /// commits them one at a time (SQLite) or decides a whole batch together (PostgreSQL).
    @Test("Concurrent enqueues of every kind get the answers they would get one by one", arguments: StoreKind.allCases)
    func concurrentMixedBatch(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            for index in 0..<6 {
                _ = try await store.enqueue(
                    formD("I-\(index)", conversation: "R-\(index)", link: .document(reference: "R-\(index)", replaces: nil)))
            }
            enum Outcome: Sendable {
                case stored(EnqueueResult)
                case refused(OutboxError.Code?)
            }
            func attempt(_ body: @escaping @Sendable () async throws -> EnqueueResult) async -> Outcome {
                do { return .stored(try await body()) } catch { return .refused((error as? OutboxError)?.code) }
            }
            let outcomes = await withTaskGroup(of: (String, Outcome).self) { group in
                let messageKey = IdempotencyKey.inbound(sender: "nsw", messageID: "W-shared")
                for index in 0..<8 {
                    group.addTask { ("same-key", await attempt { try await store.enqueue(formD("W-shared", key: messageKey)) }) }
                    group.addTask {
                        (
                            "own-submission",
                            await attempt {
                                try await store.enqueue(
                                    formD("S-\(index)", conversation: "S-\(index)"),
                                    rememberingSubmission: .submission(client: "portal", key: "K-\(index)"))
                            }
                        )
                    }
                }
                for index in 0..<6 {
                    group.addTask {
                        (
                            "amend-\(index)",
                            await attempt {
                                try await store.enqueue(
                                    formD(
                                        "A-\(index)", conversation: "A-\(index)", function: .amend,
                                        link: .document(reference: "A-\(index)", replaces: "R-\(index)")))
                            }
                        )
                    }
                }
                for index in 0..<3 {
                    group.addTask {
                        (
                            "orphan",
                            await attempt {
                                try await store.enqueue(
                                    formD(
                                        "O-\(index)", conversation: "O-\(index)", function: .cancel,
                                        link: .document(reference: "O-\(index)", replaces: "NEVER-SEEN-\(index)")))
                            }
                        )
                    }
                }
                return await group.reduce(into: [(String, Outcome)]()) { $0.append($1) }
            }
            func stored(_ label: String) -> [EnqueueResult] {
                outcomes.compactMap { if $0.0 == label, case .stored(let result) = $0.1 { result } else { nil } }
            }
            let sameKey = stored("same-key")
            #expect(sameKey.count == 8 && Set(sameKey.map(\.id)).count == 1 && sameKey.filter { !$0.isDuplicate }.count == 1)
            #expect(stored("own-submission").count == 8 && stored("own-submission").allSatisfy { !$0.isDuplicate })
            let orphans = outcomes.filter { $0.0 == "orphan" }.map { outcome -> OutboxError.Code? in
                if case .refused(let code) = outcome.1 { code } else { nil }
            }
            #expect(orphans == [.unknownPredecessor, .unknownPredecessor, .unknownPredecessor])
            for index in 0..<6 {
                let amend = try #require(stored("amend-\(index)").first)
                // Each AMEND joined the conversation of the ISSUE it replaces, not its own reference.
                #expect(try await store.message(id: amend.id)?.conversation == "R-\(index)")
            }
            for index in 0..<8 {
                let remembered = try #require(try await store.submission(.submission(client: "portal", key: "K-\(index)")))
                #expect(stored("own-submission").contains { $0.id == remembered.messageID })
            }
            // 6 issues, 1 shared-key message, 8 submissions, 6 amendments; no orphan.
            #expect(try await store.stats().messageCount == 21)
            #expect(try await store.verifyAudit().isIntact)
        }
    }
}

import Foundation
import SWGatePostgres
import SWGateStore
import SWGateTesting
import Synchronization
import Testing

/// Two `PostgresOutboxStore` objects on one database stand for two gateway instances.
@Suite("PostgreSQL: several instances on one database")
struct TwoInstanceTests {
    private func withTwoInstances(
        transactions: Int = 1, _ body: (PostgresOutboxStore, PostgresOutboxStore) async throws -> Void
    ) async throws {
        var configuration = try await freshPostgresConfiguration()
        configuration.concurrentTransactions = transactions
        let a = try await PostgresOutboxStore(configuration: configuration)
        let b = try await PostgresOutboxStore(configuration: configuration)
        do {
            try await body(a, b)
        } catch {
            await a.close()
            await b.close()
            throw error
        }
        await a.close()
        await b.close()
    }

    @Test(
        "Concurrent claims from two instances: each delivery claimed once, conversation order kept in the committed history",
        arguments: [1, 2])
    func concurrentClaims(transactions: Int) async throws {
        try await withTwoInstances(transactions: transactions) { a, b in
            let conversations = 12
            let perConversation = 8
            var order: [String: Int] = [:]
            for index in 0..<perConversation {
                for conversation in 0..<conversations {
                    let wire = "M-\(conversation)-\(index)"
                    // Alternate the instance that accepts, as a load balancer would.
                    let store = (index + conversation) % 2 == 0 ? a : b
                    let stored = try await store.enqueue(formD(wire, conversation: "C-\(conversation)", destinations: ["nsw", "asw"]))
                    order[stored.id] = index
                }
            }
            let claimsByOwner = ClaimCounts()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (name, store) in [("node-a", a), ("node-b", b)] {
                    for destination in ["nsw", "asw"] {
                        for worker in 0..<2 {
                            group.addTask {
                                var idle = 0
                                while idle < 50 {
                                    let claimed = try await store.claim(
                                        destination: destination, limit: 3, owner: name, leaseDuration: .seconds(120), now: Date())
                                    if claimed.isEmpty {
                                        idle += 1
                                        await Task.yield()
                                        continue
                                    }
                                    idle = 0
                                    claimsByOwner.add(claimed.count, for: name)
                                    for delivery in claimed {
                                        if worker == 1 { await Task.yield() }
                                        #expect(try await store.finish(delivery, .delivered(receipt: nil)) == .applied)
                                    }
                                }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let stats = try await a.stats()
            #expect(stats.total(.delivered) == conversations * perConversation * 2)
            let claims = claimsByOwner.snapshot
            #expect(claims.values.reduce(0, +) == conversations * perConversation * 2, "every delivery claimed exactly once")
            #expect(claims["node-a", default: 0] > 0 && claims["node-b", default: 0] > 0)
            // The audit chain is the committed order of all instances' transactions: per destination
            // and conversation, sending and delivered alternate, in acceptance order.
            let entries = try await b.auditEntries(messageID: nil)
            var conversationOf: [String: String] = [:]
            for summary in try await a.deliveries(matching: DeliveryFilter()) { conversationOf[summary.messageID] = summary.conversation }
            var inFlight: [String: String] = [:]
            var lastIndex: [String: Int] = [:]
            for entry in entries where entry.event == .sending || entry.event == .delivered {
                let messageID = try #require(entry.messageID)
                let key = "\(entry.destination ?? "?")/\(conversationOf[messageID] ?? "?")"
                if entry.event == .sending {
                    #expect(inFlight[key] == nil, "two deliveries of \(key) in flight at once")
                    let index = order[messageID] ?? -1
                    #expect(index == (lastIndex[key] ?? -1) + 1, "\(key) out of order")
                    lastIndex[key] = index
                    inFlight[key] = messageID
                } else {
                    #expect(inFlight[key] == messageID)
                    inFlight[key] = nil
                }
            }
            #expect(try await a.verifyAudit().isIntact)
        }
    }

    @Test("An instance that stops answering loses its lease to another, which delivers; the late completion changes nothing")
    func takeover() async throws {
        try await withTwoInstances { a, b in
            _ = try await a.enqueue(formD("M-1", conversation: "C-1"))
            _ = try await a.enqueue(formD("M-2", conversation: "C-1", function: .amend))
            let now = Date()
            let taken = try await a.claim(destination: "nsw", limit: 5, owner: "node-a", leaseDuration: .seconds(30), now: now)
            #expect(taken.map(\.wireMessageID) == ["M-1"])
            #expect(try await b.claim(destination: "nsw", limit: 5, owner: "node-b", leaseDuration: .seconds(30), now: now).isEmpty)
            #expect(try await b.reclaimExpiredLeases(now: now.addingTimeInterval(31)) == 1)
            let retaken = try await b.claim(
                destination: "nsw", limit: 5, owner: "node-b", leaseDuration: .seconds(30), now: now.addingTimeInterval(31))
            #expect(retaken.map(\.wireMessageID) == ["M-1"])
            #expect(try await a.finish(taken[0], .delivered(receipt: nil)) == .leaseLost)
            #expect(try await b.finish(retaken[0], .delivered(receipt: nil)) == .applied)
            let next = try await a.claim(destination: "nsw", limit: 5, owner: "node-a", leaseDuration: .seconds(30), now: now.addingTimeInterval(32))
            #expect(next.map(\.wireMessageID) == ["M-2"])
        }
    }

    @Test("A delivery committed after a later one of its conversation waits while that one is in flight")
    func visibleOutOfOrder() async throws {
        let configuration = try await freshPostgresConfiguration()
        let store = try await PostgresOutboxStore(configuration: configuration)
        do {
            try await claimsInCommitOrder(store, database: configuration.database)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    private func claimsInCommitOrder(_ store: PostgresOutboxStore, database: String) async throws {
        let cluster = try await PostgresTestCluster.shared()
        // Two instances enqueue into one conversation at once: the first insert takes the smaller
        // id, the second commits first. Moving the earlier row out of sight and back reproduces
        // what the claims see in between.
        let earlier = try await store.enqueue(formD("ANSWER-1", conversation: "C-1", destinations: ["portal"]))
        _ = try await store.enqueue(formD("ANSWER-2", conversation: "C-1", destinations: ["portal"]))
        let hide = "UPDATE delivery SET destination = 'not-yet-committed' WHERE message_seq = (SELECT seq FROM message WHERE id = '\(earlier.id)')"
        _ = try await cluster.sql(hide, database: database)
        let first = try await store.claimNow("portal", owner: "node-a")
        #expect(first.map(\.wireMessageID) == ["ANSWER-2"])
        let show = "UPDATE delivery SET destination = 'portal' WHERE destination = 'not-yet-committed'"
        _ = try await cluster.sql(show, database: database)
        #expect(try await store.claimNow("portal", owner: "node-b").isEmpty, "ANSWER-2 is still in flight")
        try await store.finish(first[0], .delivered(receipt: nil))
        #expect(try await store.claimNow("portal", owner: "node-b").map(\.wireMessageID) == ["ANSWER-1"])
    }

    @Test("One Idempotency-Key submitted to two instances at once is stored once")
    func submissionKeyAcrossInstances() async throws {
        try await withTwoInstances { a, b in
            let key = IdempotencyKey.submission(client: "portal", key: "K-1")
            let results = try await withThrowingTaskGroup(of: EnqueueResult.self) { group in
                for index in 0..<12 {
                    let store = index % 2 == 0 ? a : b
                    group.addTask { try await store.enqueue(formD("M-1"), rememberingSubmission: key) }
                }
                return try await group.reduce(into: [EnqueueResult]()) { $0.append($1) }
            }
            #expect(Set(results.map(\.id)).count == 1)
            #expect(try await a.stats().messageCount == 1)
        }
    }

    @Test("An enqueue on one instance wakes a listener on the other", .timeLimit(.minutes(4)))
    func notifications() async throws {
        try await withTwoInstances { a, b in
            let (wakes, continuation) = AsyncStream.makeStream(of: Void.self)
            let listener = Task { try await b.watchForWork { continuation.yield() } }
            defer { listener.cancel() }
            var iterator = wakes.makeAsyncIterator()
            // The first wake-up comes when listening has started.
            _ = await iterator.next()
            _ = try await a.enqueue(formD("M-1"))
            _ = await iterator.next()
            listener.cancel()
            _ = try? await listener.value
        }
    }
}

/// Deliveries claimed per owner, counted from several tasks.
private final class ClaimCounts: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    func add(_ count: Int, for owner: String) { counts.withLock { $0[owner, default: 0] += count } }

    var snapshot: [String: Int] { counts.withLock { $0 } }
}

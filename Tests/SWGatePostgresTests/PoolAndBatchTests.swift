import Foundation
import SWGateStore
import Synchronization
import Testing

@testable import SWGatePostgres

/// The pool usage behind `swgate_store_pool_connections`: connections held, operations waiting.
@Suite("PostgreSQL: connection pool figures and group commit")
struct PoolAndBatchTests {
    @Test("Held connections count as in use and operations beyond the pool as waiting, until they finish", .timeLimit(.minutes(4)))
    func heldAndWaiting() async throws {
        let store = try await PostgresOutboxStore(configuration: try await freshPostgresConfiguration(poolSize: 1))
        #expect(store.poolFigures.inUse == 0 && store.poolFigures.waiting == 0 && store.poolFigures.maximum == 1)
        let (held, holding) = AsyncStream.makeStream(of: Void.self)
        let release = Mutex(false)
        let holder = Task {
            try await store.pool.withConnection { _ in
                holding.yield()
                while !release.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
                return 1
            }
        }
        var heldIterator = held.makeAsyncIterator()
        _ = await heldIterator.next()
        #expect(store.poolFigures.inUse == 1 && store.poolFigures.available == 0)
        // A second operation finds the only connection taken and waits for it.
        let waiter = Task { try await store.pool.withConnection { _ in 1 } }
        var waiting = false
        for _ in 0..<500 where !waiting {
            waiting = store.poolFigures.waiting == 1
            if !waiting { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(waiting, "the second operation is counted as waiting")
        release.withLock { $0 = true }
        #expect(try await holder.value == 1)
        #expect(try await waiter.value == 1)
        #expect(store.poolFigures.inUse == 0 && store.poolFigures.waiting == 0)
        await store.close()
    }

    @Test("Concurrent enqueues share transactions: 64 of them take far fewer commits, and all are stored")
    func groupCommit() async throws {
        let store = try await PostgresOutboxStore(configuration: try await freshPostgresConfiguration())
        let before = store.counters
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<64 { group.addTask { _ = try await store.enqueue(formD("G-\(index)", conversation: "C-\(index)")) } }
            try await group.waitForAll()
        }
        let units = store.counters.units - before.units
        let transactions = store.counters.transactions - before.transactions
        #expect(units == 64)
        #expect(transactions < units / 4, "\(units) enqueues in \(transactions) transactions")
        #expect(try await store.stats().messageCount == 64)
        await store.close()
    }
}

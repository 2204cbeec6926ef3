import GRDB
import Synchronization

/// Batches write requests from many concurrent callers into one SQLite transaction, so that one
/// fsync commits them all, and resumes every caller only after that commit.
///
/// Callers queue a unit of work; the first caller to find the committer idle starts a flush. While
/// a transaction is being written and synced, newly queued work accumulates and goes into the next
/// transaction. A unit that fails must not take the others down: the batch first runs optimistically
/// with every unit straight in the transaction; if any unit throws, that transaction is rolled back
/// and the batch runs again with each unit in its own savepoint, so the failing unit is rolled back
/// alone and the others commit. (Savepoints on every unit would journal each page twice.) The audit
/// chain's head is read and stored once per transaction (`AuditChainTail`), not once per entry.
actor GroupCommitter {
    /// One queued unit. Both closures run it inside a transaction and return the resumption to call
    /// after commit: `attempt` throws the unit's error, `isolated` runs it in a savepoint and turns
    /// its error into the resumption. `fail` resumes the caller when the commit itself fails.
    private struct Job: Sendable {
        let attempt: @Sendable (Database) throws -> @Sendable () -> Void
        let isolated: @Sendable (Database) -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private let pool: any DatabaseWriter
    private let grouped: Bool
    private let maximumBatch: Int
    private var queue: [Job] = []
    private var flushing = false
    private var lastBatch = 0
    private let counters: Mutex<StoreCounters>

    private let checkpointer: BackgroundCheckpointer?

    init(pool: any DatabaseWriter, grouped: Bool, maximumBatch: Int, checkpointer: BackgroundCheckpointer? = nil) {
        self.pool = pool
        self.checkpointer = checkpointer
        self.grouped = grouped
        self.maximumBatch = max(1, maximumBatch)
        self.counters = Mutex(StoreCounters())
    }

    /// Transactions and units committed so far.
    nonisolated var snapshot: StoreCounters { counters.withLock { $0 } }

    /// Runs `work` in a write transaction shared with other queued work; returns after commit.
    /// `work` may run twice (the first run rolled back) and must only touch the database.
    func perform<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                attempt: { db in
                    let value = try work(db)
                    return { continuation.resume(returning: value) }
                },
                isolated: { db in
                    do {
                        let value = try Self.inSavepoint(db, work)
                        return { continuation.resume(returning: value) }
                    } catch {
                        return { continuation.resume(throwing: error) }
                    }
                },
                fail: { error in continuation.resume(throwing: error) })
            queue.append(job)
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    private static func inSavepoint<T>(_ db: Database, _ work: (Database) throws -> T) throws -> T {
        var value: T?
        // The savepoint's rollback removes the unit's audit entries; the chain's tail must forget them too.
        let tail = AuditChainTail.current
        let mark = tail?.mark
        do {
            try db.inSavepoint {
                value = try work(db)
                return .commit
            }
        } catch {
            if let tail, let mark { tail.restore(mark) }
            throw error
        }
        guard let value else { throw OutboxError(.database, "savepoint produced no value") }
        return value
    }

    private func flush() async {
        while !queue.isEmpty {
            // Let the callers just resumed by the previous commit queue their next request, so that
            // a busy store commits one full batch per fsync rather than alternating full and tiny ones.
            for _ in 0..<2 where queue.count < lastBatch / 2 { await Task.yield() }
            let count = grouped ? min(queue.count, maximumBatch) : 1
            let batch = Array(queue.prefix(count))
            lastBatch = count
            queue.removeFirst(count)
            await commit(batch)
        }
        flushing = false
    }

    private func commit(_ batch: [Job]) async {
        let resumptions: [@Sendable () -> Void]
        do {
            resumptions = try await pool.write { db in try AuditChainTail.batching(db) { try batch.map { try $0.attempt(db) } } }
        } catch where batch.count == 1 {
            // A lone unit's error is its own: nothing else was in the transaction.
            batch[0].fail(error)
            return
        } catch {
            do {
                resumptions = try await pool.write { db in try AuditChainTail.batching(db) { batch.map { $0.isolated(db) } } }
            } catch {
                for job in batch { job.fail(error) }
                return
            }
        }
        checkpointer?.commitDidHappen(units: batch.count)
        counters.withLock {
            $0.transactions += 1
            $0.units += batch.count
        }
        for resume in resumptions { resume() }
    }
}

/// How many write transactions the store committed, and how many units of work they carried.
/// `units / transactions` is the group-commit batching factor.
public struct StoreCounters: Sendable, Hashable {
    public var transactions = 0
    public var units = 0
}

import GRDB
import Synchronization

/// Batches write requests from many concurrent callers into one SQLite transaction, so that one
/// fsync commits them all, and resumes every caller only after that commit.
///
/// Callers queue a unit of work; the first caller to find the committer idle starts a flush. While
/// a transaction is being written and synced, newly queued work accumulates and goes into the next
/// transaction. Each unit runs inside its own savepoint, so one failing unit (say, an idempotency
/// conflict) is rolled back alone and the others still commit.
actor GroupCommitter {
    /// One queued unit. `run` executes it inside the transaction and returns the resumption to call
    /// after commit; `fail` resumes the caller with the transaction's error if the commit fails.
    private struct Job: Sendable {
        let run: @Sendable (Database) -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private let pool: any DatabaseWriter
    private let grouped: Bool
    private let maximumBatch: Int
    private var queue: [Job] = []
    private var flushing = false
    private let counters: Mutex<StoreCounters>

    init(pool: any DatabaseWriter, grouped: Bool, maximumBatch: Int) {
        self.pool = pool
        self.grouped = grouped
        self.maximumBatch = max(1, maximumBatch)
        self.counters = Mutex(StoreCounters())
    }

    /// Transactions and units committed so far.
    nonisolated var snapshot: StoreCounters { counters.withLock { $0 } }

    /// Runs `work` in a write transaction shared with other queued work; returns after commit.
    func perform<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                run: { db in
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
        try db.inSavepoint {
            value = try work(db)
            return .commit
        }
        guard let value else { throw OutboxError(.database, "savepoint produced no value") }
        return value
    }

    private func flush() async {
        while !queue.isEmpty {
            let count = grouped ? min(queue.count, maximumBatch) : 1
            let batch = Array(queue.prefix(count))
            queue.removeFirst(count)
            do {
                let resumptions = try await pool.write { db in batch.map { $0.run(db) } }
                counters.withLock {
                    $0.transactions += 1
                    $0.units += batch.count
                }
                for resume in resumptions { resume() }
            } catch {
                for job in batch { job.fail(error) }
            }
        }
        flushing = false
    }
}

/// How many write transactions the store committed, and how many units of work they carried.
/// `units / transactions` is the group-commit batching factor.
public struct StoreCounters: Sendable, Hashable {
    public var transactions = 0
    public var units = 0
}

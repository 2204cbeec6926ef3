import Foundation
import GRDB
import Synchronization

/// Batches write requests from many concurrent callers into one SQLite transaction, so that one
/// fsync commits them all, and resumes every caller only after that commit.
///
/// Callers queue a unit of work; the first caller to find the committer idle starts a flush. The
/// writer runs units as they arrive, inside an open transaction, while the callers resumed by the
/// previous commit are still preparing their next unit: it commits once as many units as the
/// previous commit resumed have run (a busy store's callers come back with one unit each), when
/// the queue stays empty for `arrivalWait`, or at `maximumBatch`. The writer's inserts thus overlap
/// the callers' preparation instead of waiting for a whole batch to be queued first. While a
/// transaction is being written and synced, newly queued work accumulates for the next one. A
/// batch's first units are awaited before its transaction begins (an idle store holds no lock), and
/// the writer connection is handed back every `batchesPerAccess` batches.
///
/// A unit that fails must not take the others down: the batch first runs optimistically with every
/// unit straight in the transaction; if any unit throws, that transaction is rolled back and the
/// units it took run again with each unit in its own savepoint, so the failing unit is rolled
/// back alone and the others commit. (Savepoints on every unit would journal each page twice.) The
/// audit chain's head is read and stored once per transaction (`AuditChainTail`), not once per entry.
///
/// `@unchecked Sendable`: `state` is only touched with `condition` locked.
final class GroupCommitter: @unchecked Sendable {
    /// One queued unit. Both closures run it inside a transaction and return the resumption to call
    /// after commit: `attempt` throws the unit's error, `isolated` runs it in a savepoint and turns
    /// its error into the resumption. `fail` resumes the caller when the commit itself fails.
    private struct Job: Sendable {
        let attempt: @Sendable (Database) throws -> @Sendable () -> Void
        let isolated: @Sendable (Database) -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    /// The writer waiting for arrivals is woken once this many units are queued (or at its deadline).
    private static let wakeBatch = 8

    private struct State {
        var queue: [Job] = []
        /// A flush task is running (it takes the writer until the queue is empty).
        var flushing = false
        /// The writer is blocked in `take` until this many units are queued (0: it is not waiting).
        /// Waking it per unit would cost a thread switch per unit; a few at a time still overlap
        /// its inserts with the callers' preparation.
        var wakeAt = 0
    }

    /// The units taken by one transaction so far, and what to call after its commit.
    private final class Batch {
        var jobs: [Job] = []
        var resumptions: [@Sendable () -> Void] = []
    }

    private let pool: any DatabaseWriter
    private let grouped: Bool
    private let maximumBatch: Int
    /// How long the writer waits for the next units of a batch before it commits (at most four
    /// times that per batch).
    private let arrivalWait: Duration
    /// Guards `state`; the writer waits on it for arrivals.
    private let condition = NSCondition()
    private var state = State()
    private let counters: Mutex<StoreCounters>

    private let checkpointer: BackgroundCheckpointer?

    init(
        pool: any DatabaseWriter, grouped: Bool, maximumBatch: Int, arrivalWait: Duration = .microseconds(500),
        checkpointer: BackgroundCheckpointer? = nil
    ) {
        self.pool = pool
        self.checkpointer = checkpointer
        self.grouped = grouped
        self.maximumBatch = max(1, maximumBatch)
        self.arrivalWait = arrivalWait
        self.counters = Mutex(StoreCounters())
    }

    /// Transactions and units committed so far.
    var snapshot: StoreCounters { counters.withLock { $0 } }

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
            condition.lock()
            state.queue.append(job)
            let start = !state.flushing
            state.flushing = true
            if state.wakeAt > 0, state.queue.count >= state.wakeAt { condition.signal() }
            condition.unlock()
            if start {
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

    /// Holds the writer connection and commits transactions until the queue is empty and no unit
    /// arrives within `arrivalWait`: no task switch between one commit and the next transaction.
    /// Under sustained load the connection is handed back every `batchesPerAccess` batches, so that
    /// other accesses to the writer (`durability()`) are not starved.
    private func flush() async {
        do {
            var expected = 0
            while true {
                let (done, last) = try await pool.writeWithoutTransaction { [expected] db in self.drain(db, expected: expected) }
                if done { break }
                expected = last
            }
        } catch {
            // The writer could not be reached (the store is closing): fail what is queued.
            failQueued(error)
        }
    }

    private func failQueued(_ error: any Error) {
        condition.lock()
        let jobs = state.queue
        state.queue.removeAll()
        state.flushing = false
        condition.unlock()
        for job in jobs { job.fail(error) }
    }

    /// The batches of one writer access before it is handed back (see `flush`).
    private static let batchesPerAccess = 64

    /// Runs batches, the first expecting `expected` units; `done` when the queue ran empty (the
    /// flush is over), otherwise after `batchesPerAccess` batches with the size of the last one.
    private func drain(_ db: Database, expected: Int) -> (done: Bool, last: Int) {
        var expected = expected
        for _ in 0..<Self.batchesPerAccess {
            let batch = runBatch(db, expected: min(expected, maximumBatch))
            if batch.jobs.isEmpty {
                condition.lock()
                let done = state.queue.isEmpty
                if done { state.flushing = false }
                condition.unlock()
                if done { return (true, 0) }
            }
            expected = batch.jobs.count
        }
        return (false, expected)
    }

    /// Takes the next units for the open transaction `batch`: what is queued (up to the batch's
    /// room), or, when nothing is, waits up to `arrivalWait` for units (but not past `deadline`)
    /// while the batch is smaller than the number of callers the previous commit resumed.
    /// Empty: commit now.
    private func take(for batch: Batch, expected: Int, deadline: Date) -> ArraySlice<Job> {
        let room = grouped ? maximumBatch - batch.jobs.count : (batch.jobs.isEmpty ? 1 : 0)
        guard room > 0 else { return [] }
        condition.lock()
        defer { condition.unlock() }
        if state.queue.isEmpty, grouped, batch.jobs.count < expected {
            let until = min(deadline, Date(timeIntervalSinceNow: arrivalWait.inSeconds))
            state.wakeAt = min(Self.wakeBatch, expected - batch.jobs.count)
            while state.queue.count < state.wakeAt, condition.wait(until: until) {}
            state.wakeAt = 0
        }
        let count = min(room, state.queue.count)
        guard count > 0 else { return [] }
        let taken = state.queue[..<count]
        state.queue.removeFirst(count)
        return taken
    }

    /// Runs queued units in one transaction as they arrive (see the type's documentation), commits
    /// them and resumes their callers (or fails them). Returns the batch (empty: nothing arrived).
    private func runBatch(_ db: Database, expected: Int) -> Batch {
        let batch = Batch()
        // Waiting for stragglers ends at four arrival waits after the first wait began.
        let deadline = Date(timeIntervalSinceNow: 4 * arrivalWait.inSeconds)
        // The first units are awaited before the transaction begins: an idle store holds no lock.
        batch.jobs.append(contentsOf: take(for: batch, expected: expected, deadline: deadline))
        guard !batch.jobs.isEmpty else { return batch }
        do {
            try db.inTransaction {
                try AuditChainTail.batching(db) {
                    for job in batch.jobs { batch.resumptions.append(try job.attempt(db)) }
                    while true {
                        let jobs = take(for: batch, expected: expected, deadline: deadline)
                        if jobs.isEmpty { break }
                        // Recorded before any runs: if one throws, all taken units are retried.
                        batch.jobs.append(contentsOf: jobs)
                        for job in jobs { batch.resumptions.append(try job.attempt(db)) }
                    }
                }
                return .commit
            }
        } catch where batch.jobs.count == 1 {
            // A lone unit's error is its own: nothing else was in the transaction.
            batch.jobs[0].fail(error)
            return batch
        } catch {
            let jobs = batch.jobs
            do {
                try db.inTransaction {
                    batch.resumptions = try AuditChainTail.batching(db) { jobs.map { $0.isolated(db) } }
                    return .commit
                }
            } catch {
                for job in jobs { job.fail(error) }
                return batch
            }
        }
        checkpointer?.commitDidHappen(units: batch.jobs.count)
        counters.withLock {
            $0.transactions += 1
            $0.units += batch.jobs.count
        }
        for resume in batch.resumptions { resume() }
        return batch
    }
}

/// How many write transactions the store committed, and how many units of work they carried.
/// `units / transactions` is the group-commit batching factor.
public struct StoreCounters: Sendable, Hashable {
    public var transactions = 0
    public var units = 0
}

extension Duration {
    fileprivate var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

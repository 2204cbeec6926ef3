import Logging
import PostgresNIO
import SWGateStore
import Synchronization

/// Batches writes of concurrent callers of one store instance into one PostgreSQL transaction
/// (one WAL flush with `synchronous_commit` on), and resumes every caller only after that commit.
///
/// A caller that finds fewer than `concurrentTransactions` flush tasks running starts one; a flush
/// task takes whatever is queued (up to `maximumBatch`), runs the units in order in one transaction
/// on a connection of its own, commits, and goes on while work is queued. Work arriving while the
/// flush tasks are busy waits for the next batch, so batches grow with the load and a lone caller
/// is committed at once. With two flush tasks one batch runs its statements while the other waits
/// for its commit's WAL flush; their units are independent callers' (a caller waits for its commit
/// before its next write), and they meet only in the database's own locks, as two instances do.
///
/// A unit that fails must not take the others down: in a batch of several, each unit runs in its
/// own savepoint, and a failing one is rolled back alone (its caller gets its error). A failed
/// commit, or a lost connection, fails every unit of the batch: none of them was answered as
/// stored, so "accepted means committed" holds.
final class PostgresGroupCommitter: Sendable {
    /// One queued unit: `run` does its work in the transaction and returns the resumption to call
    /// after commit; `fail` resumes the caller with an error.
    private struct Job: Sendable {
        let run: @Sendable (WriteTransaction) async throws -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
        /// Set for an enqueue or a completion, which may be stored together with its neighbours
        /// of the same kind (`BulkEnqueue`, `BulkComplete`); `run` stores it alone when the batch
        /// falls back to one unit at a time.
        var bulk: Bulk? = nil
    }

    private enum Bulk: Sendable {
        case enqueue(BulkEnqueue.Unit, resume: @Sendable (Result<EnqueueResult, OutboxError>) -> Void)
        case completion(BulkComplete.Unit, resume: @Sendable (Result<CompletionResult, OutboxError>) -> Void)

        var isEnqueue: Bool {
            if case .enqueue = self { true } else { false }
        }
    }

    private struct State {
        var queue: [Job] = []
        /// Flush tasks running, each with a transaction of its own.
        var flushing = 0
        var counters = PostgresStoreCounters()
    }

    private let pool: ResilientPool
    private let logger: Logger
    private let maximumBatch: Int
    private let concurrentTransactions: Int
    private let channel: String
    private let chain: String
    private let database: String
    private let state = Mutex(State())

    init(pool: ResilientPool, logger: Logger, maximumBatch: Int, concurrentTransactions: Int, channel: String, chain: String, database: String) {
        self.concurrentTransactions = max(1, concurrentTransactions)
        self.pool = pool
        self.logger = logger
        self.maximumBatch = max(1, maximumBatch)
        self.channel = channel
        self.chain = chain
        self.database = database
    }

    var counters: PostgresStoreCounters { state.withLock { $0.counters } }

    /// Runs `work` in a group-committed transaction and returns its result after the commit.
    func perform<T: Sendable>(_ work: @escaping @Sendable (WriteTransaction) async throws -> T) async throws(OutboxError) -> T {
        try await submit(work) { _ in nil }
    }

    /// Stores an enqueue in a group-committed transaction, together with the enqueues queued
    /// beside it when it can (`BulkEnqueue`); `alone` stores it by itself.
    func performEnqueue(
        _ unit: BulkEnqueue.Unit, alone: @escaping @Sendable (WriteTransaction) async throws -> EnqueueResult
    ) async throws(OutboxError) -> EnqueueResult {
        try await submit(alone) { continuation in .enqueue(unit, resume: { continuation.resume(with: $0.mapError { $0 }) }) }
    }

    /// Records a completion in a group-committed transaction, together with the completions
    /// queued beside it when it can (`BulkComplete`); `alone` records it by itself.
    func performCompletion(
        _ unit: BulkComplete.Unit, alone: @escaping @Sendable (WriteTransaction) async throws -> CompletionResult
    ) async throws(OutboxError) -> CompletionResult {
        try await submit(alone) { continuation in .completion(unit, resume: { continuation.resume(with: $0.mapError { $0 }) }) }
    }

    /// Queues `work` (and its bulk form, if any) and waits for the commit that carries it.
    private func submit<T: Sendable>(
        _ work: @escaping @Sendable (WriteTransaction) async throws -> T, bulk: (CheckedContinuation<T, any Error>) -> Bulk?
    ) async throws(OutboxError) -> T {
        let database = database
        do {
            return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                var job = Self.job(work, continuation, database: database)
                job.bulk = bulk(continuation)
                queue(job)
            }
        } catch {
            throw PostgresErrorTranslation.translate(error, database: database)
        }
    }

    private static func job<T: Sendable>(
        _ work: @escaping @Sendable (WriteTransaction) async throws -> T, _ continuation: CheckedContinuation<T, any Error>, database: String
    ) -> Job {
        Job(
            run: { transaction in
                let value = try await work(transaction)
                return { continuation.resume(returning: value) }
            },
            fail: { continuation.resume(throwing: PostgresErrorTranslation.translate($0, database: database)) })
    }

    /// Queues `job`, and starts a flush task if none runs.
    private func queue(_ job: Job) {
        let start = state.withLock { state -> Bool in
            state.queue.append(job)
            guard state.flushing < concurrentTransactions else { return false }
            state.flushing += 1
            return true
        }
        if start { Task { await self.flush() } }
    }

    private func flush() async {
        while true {
            let batch = state.withLock { state -> [Job] in
                guard !state.queue.isEmpty else {
                    state.flushing -= 1
                    return []
                }
                let count = min(state.queue.count, maximumBatch)
                let batch = Array(state.queue.prefix(count))
                state.queue.removeFirst(count)
                return batch
            }
            if batch.isEmpty { return }
            await commit(batch)
        }
    }

    private func commit(_ batch: [Job]) async {
        let resumptions: [@Sendable () -> Void]
        do {
            resumptions = try await pool.withConnection { [logger, channel, chain] connection in
                // Optimistically every unit straight in the transaction; if one fails, the batch
                // runs again with a savepoint per unit, so only that one is rolled back. (Savepoints
                // on every unit cost two more round trips each.)
                if batch.count > 1 || batch[0].bulk != nil,
                    let resumptions = try await Self.transaction(
                        connection, logger: logger, channel: channel, chain: chain,
                        { transaction in
                            await Self.runOptimistically(batch, in: transaction)
                        })
                {
                    return resumptions
                }
                return try await Self.transaction(connection, logger: logger, channel: channel, chain: chain) { transaction in
                    try await Self.run(batch, in: transaction)
                } ?? []
            }
        } catch {
            for job in batch { job.fail(error) }
            return
        }
        state.withLock {
            $0.counters.transactions += 1
            $0.counters.units += batch.count
        }
        for resume in resumptions { resume() }
    }

    /// One write transaction around `body`: committed when `body` returns its resumptions, rolled
    /// back (returning nil) when it returns nil, rolled back and rethrown when anything throws.
    private static func transaction(
        _ connection: PostgresConnection, logger: Logger, channel: String, chain: String,
        _ body: (WriteTransaction) async throws -> [@Sendable () -> Void]?
    ) async throws -> [@Sendable () -> Void]? {
        try await connection.query("BEGIN", logger: logger).all()
        do {
            let transaction = WriteTransaction(connection: connection, logger: logger)
            guard let resumptions = try await body(transaction) else {
                try await connection.query("ROLLBACK", logger: logger).all()
                return nil
            }
            try await transaction.finish(channel: channel, chain: chain)
            try await connection.query("COMMIT", logger: logger).all()
            return resumptions
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger).all()
            throw error
        }
    }

    /// Runs every unit straight in the transaction, each run of consecutive enqueues (or
    /// completions) stored together; nil as soon as one throws.
    private static func runOptimistically(_ batch: [Job], in transaction: WriteTransaction) async -> [@Sendable () -> Void]? {
        var resumptions: [@Sendable () -> Void] = []
        var index = batch.startIndex
        while index < batch.endIndex {
            guard let kind = batch[index].bulk else {
                guard let resumption = try? await batch[index].run(transaction) else { return nil }
                resumptions.append(resumption)
                index += 1
                continue
            }
            var end = index
            while end < batch.endIndex, let bulk = batch[end].bulk, bulk.isEnqueue == kind.isEnqueue { end += 1 }
            let run = batch[index..<end].compactMap(\.bulk)
            if kind.isEnqueue {
                let units = run.compactMap { if case .enqueue(let unit, _) = $0 { unit } else { nil } }
                guard let results = try? await BulkEnqueue.store(transaction, units) else { return nil }
                for (bulk, result) in zip(run, results) {
                    if case .enqueue(_, let resume) = bulk { resumptions.append { resume(result) } }
                }
            } else {
                let units = run.compactMap { if case .completion(let unit, _) = $0 { unit } else { nil } }
                guard let results = try? await BulkComplete.store(transaction, units) else { return nil }
                for (bulk, result) in zip(run, results) {
                    if case .completion(_, let resume) = bulk { resumptions.append { resume(result) } }
                }
            }
            index = end
        }
        return resumptions
    }

    /// Runs the units; a lone unit's error fails the transaction, a unit's error in a batch of
    /// several rolls back its savepoint only.
    private static func run(_ batch: [Job], in transaction: WriteTransaction) async throws -> [@Sendable () -> Void] {
        if batch.count == 1 { return [try await batch[0].run(transaction)] }
        var resumptions: [@Sendable () -> Void] = []
        for job in batch {
            let mark = transaction.mark
            try await transaction.rows("SAVEPOINT unit")
            do {
                resumptions.append(try await job.run(transaction))
                try await transaction.rows("RELEASE SAVEPOINT unit")
            } catch {
                // A unit's own failure (a conflict, a constraint): undo it alone. If the savepoint
                // cannot be rolled back the connection is gone and the whole batch fails.
                try await transaction.rows("ROLLBACK TO SAVEPOINT unit")
                transaction.restore(mark)
                resumptions.append({ job.fail(error) })
            }
        }
        return resumptions
    }
}

/// Write transactions committed by one store instance and the units of work they carried.
public struct PostgresStoreCounters: Sendable, Hashable {
    public var transactions = 0
    public var units = 0
}

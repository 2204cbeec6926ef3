import Logging
import PostgresNIO
import SWGateStore
import Synchronization

/// postgres-nio's `PostgresClient` pool, kept usable across a database outage.
///
/// The pool alone queues lease requests while it cannot connect and fails them only once its
/// circuit breaker trips (after a minute), then retries with a backoff that grows to a minute: a
/// gateway would hang for a minute when the database goes away, and need up to another to notice
/// it is back. Here a lease that does not arrive within `leaseTimeout` fails the operation with
/// `.storeUnavailable` (its request is cancelled; nothing was written), and each such failure
/// starts a recovery: a direct connection attempt, at most once a second, and when it succeeds a
/// fresh pool replaces the failing one. Work resumes within about a second of the database's return.
final class ResilientPool: Sendable {
    private struct Current {
        var client: PostgresClient
        var runner: Task<Void, Never>
        var generation: Int
    }

    private let configuration: PostgresStoreConfiguration
    private let logger: Logger
    private let leaseTimeout: Duration
    private let operationTimeout: Duration
    private let current: Mutex<Current?>
    private let lastProbe = Mutex<ContinuousClock.Instant?>(nil)
    /// Operations holding a connection now, and operations waiting for one.
    private let usage = Mutex<(inUse: Int, waiting: Int)>((0, 0))

    init(configuration: PostgresStoreConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        leaseTimeout = configuration.leaseTimeout
        operationTimeout = configuration.operationTimeout
        current = Mutex(Self.start(configuration, logger: logger, generation: 0))
    }

    private static func start(_ configuration: PostgresStoreConfiguration, logger: Logger, generation: Int) -> Current {
        var settings = PostgresClient.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.username, password: configuration.password,
            database: configuration.database, tls: .disable)
        settings.options.maximumConnections = configuration.poolSize
        settings.options.connectTimeout = configuration.connectTimeout
        let client = PostgresClient(configuration: settings, backgroundLogger: logger)
        return Current(client: client, runner: Task { await client.run() }, generation: generation)
    }

    /// Connections held by operations now, operations waiting for one, and the configured maximum.
    var figures: PoolFigures {
        let (inUse, waiting) = usage.withLock { $0 }
        return PoolFigures(inUse: inUse, waiting: waiting, maximum: configuration.poolSize)
    }

    /// Runs `body` on a pooled connection. Fails with `.storeUnavailable` when no connection is
    /// handed out within the lease timeout, or when `body` has not finished within the operation
    /// timeout after that (its connection is then given up and the pool replaced once the
    /// database answers: the work cannot commit on a connection the server dropped, and a live
    /// one is cancelled with it).
    ///
    /// The wait for a lease is raced against a timer outside structured concurrency: when the
    /// timer wins, the caller is answered at once and the lease request is cancelled; should the
    /// pool hand out a connection anyway (a cancellation it did not see in time), `body` is not run
    /// and the connection goes straight back. A caller therefore never waits on the pool longer
    /// than the lease timeout, whatever state the pool is in while the database is away.
    /// - Parameter bounded: false for work that may rightly take long on a live database (reading
    ///   the whole audit chain); only the lease timeout applies to it.
    func withConnection<T: Sendable>(bounded: Bool = true, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        guard let (client, generation) = current.withLock({ $0.map { ($0.client, $0.generation) } }) else {
            throw OutboxError(.storeUnavailable, "\(configuration.displayURL): the store is closed")
        }
        let race = LeaseRace<T>()
        let (timeout, operationTimeout) = (leaseTimeout, self.operationTimeout)
        let displayURL = configuration.displayURL
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                    race.start(continuation)
                    self.usage.withLock { $0.waiting += 1 }
                    let work = Task {
                        // The usage figures follow the pool's own connection, also for work the
                        // caller no longer waits for.
                        let handedOut = Mutex(false)
                        do {
                            let value = try await client.withConnection { connection in
                                handedOut.withLock { $0 = true }
                                self.usage.withLock {
                                    $0.waiting -= 1
                                    $0.inUse += 1
                                }
                                defer { self.usage.withLock { $0.inUse -= 1 } }
                                guard race.lease() else { throw CancellationError() }
                                return try await body(connection)
                            }
                            race.finish(.success(value))
                        } catch {
                            race.finish(.failure(error))
                        }
                        if !handedOut.withLock({ $0 }) { self.usage.withLock { $0.waiting -= 1 } }
                    }
                    race.onAbandon { work.cancel() }
                    let timer = Task {
                        guard (try? await Task.sleep(for: timeout)) != nil else { return }
                        race.expire(OutboxError(.storeUnavailable, "\(displayURL): no database connection within \(timeout)"))
                        guard bounded, (try? await Task.sleep(for: operationTimeout)) != nil else { return }
                        race.expire(
                            OutboxError(.storeUnavailable, "\(displayURL): the database did not answer within \(operationTimeout)"), evenIfLeased: true)
                    }
                    race.onFinish { timer.cancel() }
                }
            } onCancel: {
                race.expire(CancellationError())
            }
        } catch {
            if race.needsRecovery { recover(from: generation) }
            throw error
        }
    }

    /// Tries the database directly (at most once a second) and, if it answers, replaces the pool
    /// of `generation` with a fresh one.
    private func recover(from generation: Int) {
        let now = ContinuousClock.now
        let due = lastProbe.withLock { last -> Bool in
            if let last, now - last < .seconds(1) { return false }
            last = now
            return true
        }
        guard due else { return }
        let configuration = configuration
        let logger = logger
        Task {
            guard
                let probe = try? await PostgresConnection.connect(
                    configuration: PostgresOutboxStore.connectionConfiguration(configuration), id: 2, logger: logger)
            else { return }
            try? await probe.close()
            let old = current.withLock { current -> Task<Void, Never>? in
                guard let running = current, running.generation == generation else { return nil }
                current = Self.start(configuration, logger: logger, generation: generation + 1)
                return running.runner
            }
            if let old {
                logger.info("store connection pool replaced after the database came back")
                old.cancel()
            }
        }
    }

    /// Stops the pool; later calls fail with `.storeUnavailable`. Waits at most a few seconds
    /// for the pool to wind down (a connection attempt to a database that is away can take the
    /// connect timeout), so that closing never holds a gateway's shutdown.
    func close() async {
        let runner = current.withLock { current -> Task<Void, Never>? in
            defer { current = nil }
            return current?.runner
        }
        guard let runner else { return }
        runner.cancel()
        let (ended, signal) = AsyncStream.makeStream(of: Void.self)
        Task {
            await runner.value
            signal.finish()
        }
        Task {
            try? await Task.sleep(for: .seconds(5))
            signal.finish()
        }
        for await _ in ended {}
    }
}

/// One caller's wait for a pooled connection against its lease timer: whichever comes first
/// decides. Once the work has its connection the timer no longer counts; once the timer has
/// answered the caller the work is abandoned and never starts.
private final class LeaseRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var leased = false
        var abandoned = false
        var cancelWork: (@Sendable () -> Void)?
        var finished = false
        var stopTimer: (@Sendable () -> Void)?
        var gaveUpLeased = false
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    /// Registers how to cancel the work; runs it at once if the caller was already answered.
    func onAbandon(_ cancel: @escaping @Sendable () -> Void) {
        let abandoned = state.withLock { state -> Bool in
            if !state.abandoned { state.cancelWork = cancel }
            return state.abandoned
        }
        if abandoned { cancel() }
    }

    /// Registers how to stop the timer; runs it at once if the work already finished.
    func onFinish(_ stop: @escaping @Sendable () -> Void) {
        let finished = state.withLock { state -> Bool in
            if !state.finished { state.stopTimer = stop }
            return state.finished
        }
        if finished { stop() }
    }

    /// The work got a connection: true if it may run, false if the caller was already answered.
    func lease() -> Bool {
        state.withLock { state -> Bool in
            guard !state.abandoned else { return false }
            state.leased = true
            return true
        }
    }

    /// The work never got a connection, or was given up while holding one.
    var needsRecovery: Bool { state.withLock { !$0.leased || $0.gaveUpLeased } }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, stop) = state.withLock { state -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) in
            defer {
                state.continuation = nil
                state.stopTimer = nil
                state.finished = true
            }
            return (state.continuation, state.stopTimer)
        }
        stop?()
        continuation?.resume(with: result)
    }

    /// The timer fired (or the caller was cancelled): answers with `error` unless the work
    /// already holds a connection (and `evenIfLeased` is false), which it is then left to finish.
    func expire(_ error: any Error, evenIfLeased: Bool = false) {
        let (continuation, cancel) = state.withLock { state -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) in
            guard !state.leased || evenIfLeased, let continuation = state.continuation else { return (nil, nil) }
            if state.leased { state.gaveUpLeased = true }
            state.continuation = nil
            state.abandoned = true
            defer { state.cancelWork = nil }
            return (continuation, state.cancelWork)
        }
        cancel?()
        continuation?.resume(throwing: error)
    }
}

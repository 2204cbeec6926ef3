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
    private let current: Mutex<Current?>
    private let lastProbe = Mutex<ContinuousClock.Instant?>(nil)
    /// Operations holding a connection now, and operations waiting for one.
    private let usage = Mutex<(inUse: Int, waiting: Int)>((0, 0))

    init(configuration: PostgresStoreConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        leaseTimeout = configuration.leaseTimeout
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
    /// handed out within the lease timeout.
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        guard let (client, generation) = current.withLock({ $0.map { ($0.client, $0.generation) } }) else {
            throw OutboxError(.storeUnavailable, "\(configuration.displayURL): the store is closed")
        }
        let leased = LeaseFlag()
        let timeout = leaseTimeout
        usage.withLock { $0.waiting += 1 }
        defer {
            usage.withLock {
                if leased.isSet { $0.inUse -= 1 } else { $0.waiting -= 1 }
            }
        }
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await client.withConnection { connection in
                        self.usage.withLock {
                            $0.waiting -= 1
                            $0.inUse += 1
                        }
                        leased.set()
                        return try await body(connection)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                while let result = try await group.next() {
                    if let value = result {
                        group.cancelAll()
                        return value
                    }
                    // The timer fired: give up only if no connection was handed out yet; work
                    // already running on a connection is left to finish.
                    if !leased.isSet {
                        group.cancelAll()
                        throw OutboxError(.storeUnavailable, "\(configuration.displayURL): no database connection within \(timeout)")
                    }
                }
                throw CancellationError()
            }
        } catch {
            if !leased.isSet { recover(from: generation) }
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

/// Whether an operation got its connection, read by the task that times the lease.
private final class LeaseFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

public import Logging
import NIOCore
import PostgresNIO
public import SWGateStore

/// The shared outbox: the same operations, states, audit events and answers as
/// ``SWGateStore/SQLiteOutboxStore``, on one PostgreSQL database that several gateway instances
/// use at once (`docs/high-availability.md`).
///
/// - Writes of one instance are group-committed (`PostgresGroupCommitter`); every writing
///   transaction locks the head of its instance's audit chain last, just before it commits: each
///   chain stays one verifiable chain, and instances never wait for each other's commits.
/// - Claims take `pending` rows with `FOR UPDATE SKIP LOCKED`, keep the ordering rule per
///   conversation and destination, and lease what they take; any instance reclaims expired leases.
/// - Idempotency (reference keys and `Idempotency-Key`s) rests on unique constraints.
/// - An enqueue sends `NOTIFY` in its transaction; ``watchForWork(_:)`` LISTENs for it.
///
/// Opening connects once on its own connection, migrates the schema under an advisory lock (or
/// refuses a database newer than this binary), and then serves from a connection pool
/// (`ResilientPool`) that fails fast and recovers while the database is away.
public final class PostgresOutboxStore: SubmissionStore {
    public let configuration: PostgresStoreConfiguration
    let pool: ResilientPool
    let committer: PostgresGroupCommitter
    let logger: Logger

    /// Connects, checks or migrates the schema, and starts the connection pool.
    /// - Throws: `.storeUnavailable` when the database cannot be reached, its schema is newer than
    ///   this binary, or (without `migrate`) not migrated.
    public init(configuration: PostgresStoreConfiguration, logger: Logger = Logger(label: "swgate.postgres")) async throws(OutboxError) {
        self.configuration = configuration
        self.logger = logger
        let name = configuration.displayURL
        do {
            let connection = try await PostgresConnection.connect(
                configuration: Self.connectionConfiguration(configuration), id: 0, logger: logger)
            do {
                try await PostgresMigrator.prepare(connection, migrate: configuration.migrate, database: name, logger: logger)
            } catch {
                try? await connection.close()
                throw error
            }
            try? await connection.close()
        } catch {
            throw PostgresErrorTranslation.translate(error, database: name)
        }
        let pool = ResilientPool(configuration: configuration, logger: logger)
        self.pool = pool
        committer = PostgresGroupCommitter(
            pool: pool, logger: logger, maximumBatch: configuration.maximumBatch,
            concurrentTransactions: configuration.concurrentTransactions, channel: configuration.notificationChannel,
            chain: configuration.auditChain, database: name)
    }

    /// Write transactions committed by this instance and the units of work they carried.
    public var counters: PostgresStoreCounters { committer.counters }

    /// Stops the connection pool. The store must not be used afterwards.
    public func close() async {
        await pool.close()
    }

    static func connectionConfiguration(_ configuration: PostgresStoreConfiguration) -> PostgresConnection.Configuration {
        var result = PostgresConnection.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.username, password: configuration.password,
            database: configuration.database, tls: .disable)
        result.options.connectTimeout = .milliseconds(configuration.connectTimeout.milliseconds)
        return result
    }

    /// Runs `work` in a group-committed write transaction.
    func write<T: Sendable>(_ work: @escaping @Sendable (WriteTransaction) async throws -> T) async throws(OutboxError) -> T {
        try await committer.perform(work)
    }

    /// Runs `work` on a pooled connection outside any write transaction, translating errors.
    /// - Parameter bounded: false for reads that may rightly take long (the whole audit chain).
    func read<T: Sendable>(bounded: Bool = true, _ work: @escaping @Sendable (PostgresConnection) async throws -> T) async throws(OutboxError) -> T {
        do {
            return try await pool.withConnection(bounded: bounded, work)
        } catch {
            throw PostgresErrorTranslation.translate(error, database: configuration.displayURL)
        }
    }
}

extension PostgresOutboxStore {
    /// For queries made outside a store instance's own logger; their errors are translated and
    /// reported by the caller.
    static let quietLogger = Logger(label: "swgate.postgres.query", factory: { _ in SwiftLogNoOpLogHandler() })
}

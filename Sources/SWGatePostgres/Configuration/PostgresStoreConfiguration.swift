import Foundation
public import SWGateStore

/// Where the shared outbox lives and how a gateway instance connects to it.
///
/// Built from a URL `postgres://user@host:port/database` and a password taken from the
/// environment (never from the URL or a file), so that configuration files can be shared.
public struct PostgresStoreConfiguration: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// The most connections this instance keeps open (writes use one at a time; reads and the
    /// operator queries the others). LISTEN uses one more, of its own.
    public var poolSize: Int
    /// How long connecting may take before the database counts as unreachable.
    public var connectTimeout: Duration
    /// How long an operation waits for a pooled connection before it fails with
    /// `.storeUnavailable` (the database is down, or every connection is busy that long).
    public var leaseTimeout: Duration = .seconds(5)
    /// Write transactions one instance keeps open at once. With one (the default), the next batch
    /// waits for the previous commit and grows meanwhile; with two, one batch runs its statements
    /// while the other commits (their audit entries still chain, in commit order). Measured on two
    /// cores, two gained nothing over one (`BENCHMARKS.md`); kept for larger database hosts.
    public var concurrentTransactions = 1
    /// How long an operation may hold a connection before it is answered `.storeUnavailable` and
    /// its connection given up: a connection the server dropped while it was being handed out can
    /// leave a query waiting for ever, and the whole group commit behind it.
    public var operationTimeout: Duration = .seconds(10)
    /// Bring the schema up to date at start-up (under an advisory lock). Off: a database without
    /// the current schema is refused and nothing is written (operator tools).
    public var migrate: Bool
    /// Most units of work (enqueues, claims, completions) in one group-commit transaction.
    public var maximumBatch: Int
    /// The channel NOTIFY and LISTEN use for wake-ups.
    public var notificationChannel: String
    /// The audit chain this instance appends to (its `delivery.owner`; `""` is the chain of
    /// operator tools and of databases written before schema version 2). Each chain has its own
    /// head, so instances never wait for each other's commits to write audit entries.
    public var auditChain = ""

    public init(
        host: String = "127.0.0.1", port: Int = 5432, username: String, password: String? = nil, database: String, poolSize: Int = 8,
        connectTimeout: Duration = .seconds(5), migrate: Bool = true, maximumBatch: Int = 64, notificationChannel: String = "swgate_outbox"
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.poolSize = poolSize
        self.connectTimeout = connectTimeout
        self.migrate = migrate
        self.maximumBatch = maximumBatch
        self.notificationChannel = notificationChannel
    }

    /// Parses `postgres://user@host:port/database` (or `postgresql://`). A password in the URL
    /// is refused: it belongs in the environment (`password`).
    public init(url: String, password: String?, poolSize: Int = 8) throws(OutboxError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw OutboxError(.invalidRequest, "store url '\(url)' is not of the form postgres://user@host:port/database")
        }
        guard components.password == nil else {
            throw OutboxError(.invalidRequest, "store url must not carry a password; put it in the environment variable the configuration names")
        }
        guard let user = components.user, !user.isEmpty else {
            throw OutboxError(.invalidRequest, "store url '\(url)' names no user (postgres://user@host:port/database)")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else {
            throw OutboxError(.invalidRequest, "store url '\(url)' names no database (postgres://user@host:port/database)")
        }
        guard poolSize >= 1 else { throw OutboxError(.invalidRequest, "store pool must be at least 1") }
        self.init(
            host: components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1", port: components.port ?? 5432, username: user,
            password: password, database: database, poolSize: poolSize)
    }

    /// The URL without the password, for messages and logs.
    public var displayURL: String { "postgres://\(username)@\(host):\(port)/\(database)" }

    /// The URL and pool size; never the password.
    public var description: String { "\(displayURL) (pool \(poolSize))" }
}

import Foundation
import GRDB

/// The embedded outbox: one SQLite file in WAL mode with `synchronous = FULL`, so a commit is on
/// disk before the caller hears "accepted". Writes from concurrent callers are group-committed.
///
/// Several processes may open the same file (a running gateway and the `swgate outbox` commands):
/// transactions are short, and a writer waits up to the busy timeout for the lock.
public final class SQLiteOutboxStore: OutboxStore {
    /// How the store is opened.
    public struct Configuration: Sendable {
        /// How long a write waits for another process's lock before failing with `.storeLocked`.
        public var busyTimeout: Duration = .seconds(5)
        /// Share one transaction (one fsync) among concurrent writes. Off: one transaction each.
        public var groupCommit = true
        /// The most units of work in one group-commit transaction.
        public var maximumBatch = 512
        /// Create the file (and its directory) when missing. Operator tools pass `false`.
        public var createIfMissing = true
        /// Bring an older schema up to date. Off: a store without the current schema (or a SQLite
        /// file that is not a SwGate store) is refused with `.storeUnavailable`, and nothing is written.
        public var migrate = true
        /// One connection instead of a pool, and the journal mode left as the file has it: opening
        /// then writes nothing at all. For short-lived operator tools; a server uses the pool.
        public var singleConnection = false
        /// Copy committed WAL pages into the database file from a second connection and thread
        /// (passive checkpoints while group commits carry batches of several units), so that group
        /// commits do not stop for checkpoints. SQLite's automatic checkpoint on the writer stays on
        /// and bounds the WAL if this one falls behind. Not used with `singleConnection`.
        public var backgroundCheckpoints = true

        public init() {}
    }

    /// The page cache of each connection (writer, readers, checkpointer), in KiB: 8 MiB, 512 pages
    /// of 16 KiB, enough for the hot index pages of a queue of 100,000 deliveries (the pages behind
    /// it stay in the operating system's cache). With 32 MiB per connection the gateway's resident
    /// memory grew with the database to 127-159 MiB after intake and delivery; with 8 MiB it stays
    /// near 80 MiB at the same throughput (`docs/benchmarks-server.md`).
    public static let pageCacheKiB = 8192

    let pool: any DatabaseWriter
    let committer: GroupCommitter
    let checkpointer: BackgroundCheckpointer?
    /// The file this store was opened on.
    public let path: String

    /// Opens (or creates) the store at `path` and brings its schema up to date.
    public init(path: String, configuration: Configuration = Configuration()) throws(OutboxError) {
        self.path = path
        let fileManager = FileManager.default
        if !fileManager.fileExists(atPath: path) {
            guard configuration.createIfMissing else {
                throw OutboxError(.storeMissing, "no store at \(path)")
            }
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            do {
                try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw OutboxError(.storeUnavailable, "cannot create \(directory): \(error)")
            }
        }
        var config = GRDB.Configuration()
        config.busyMode = .timeout(Double(configuration.busyTimeout.milliseconds) / 1000)
        config.label = "swgate-outbox"
        config.prepareDatabase { db in
            // Takes effect only when the file is created: 16 KiB pages hold a 5 KB signed document
            // in one page instead of an overflow chain, halving WAL frames and write calls.
            try db.execute(sql: "PRAGMA page_size = 16384")
            // A bounded page cache per connection (see `pageCacheKiB`).
            try db.execute(sql: "PRAGMA cache_size = -\(SQLiteOutboxStore.pageCacheKiB)")
            // Each group-committed unit runs in a savepoint; keep its statement journal in memory
            // rather than in a temporary file opened and written per unit.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        let opened: any DatabaseWriter
        do {
            let pool: any DatabaseWriter =
                configuration.singleConnection
                ? try DatabaseQueue(path: path, configuration: config) : try DatabasePool(path: path, configuration: config)
            // GRDB sets synchronous = NORMAL while it enables WAL; durable commits need FULL, set
            // afterwards on the writer connection (the only one that commits) and read back.
            let synchronous = try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                return try Int.fetchOne(db, sql: "PRAGMA synchronous")
            }
            guard synchronous == 2 else {
                throw OutboxError(.storeUnavailable, "SQLite refused synchronous = FULL (got \(synchronous.map(String.init) ?? "nothing"))")
            }
            let migrator = Schema.migrator
            if try !pool.read({ try migrator.hasCompletedMigrations($0) }) {
                guard configuration.migrate else {
                    throw OutboxError(.storeUnavailable, "\(path) is not a SwGate outbox store with the current schema (an older store is migrated by swgate serve)")
                }
                try migrator.migrate(pool)
            }
            opened = pool
        } catch {
            throw Self.translate(error, path: path)
        }
        pool = opened
        var checkpointer: BackgroundCheckpointer?
        if configuration.backgroundCheckpoints, !configuration.singleConnection {
            do {
                checkpointer = try BackgroundCheckpointer(path: path, configuration: config)
            } catch {
                try? opened.close()
                throw Self.translate(error, path: path)
            }
        }
        self.checkpointer = checkpointer
        committer = GroupCommitter(
            pool: opened, grouped: configuration.groupCommit, maximumBatch: configuration.maximumBatch, checkpointer: checkpointer)
    }

    /// Write transactions committed by this instance and the units of work they carried.
    public var counters: StoreCounters { committer.snapshot }

    /// The journal mode and `synchronous` level of the connection that commits, read back from
    /// SQLite (`wal` and 2 = FULL for a store opened by a gateway).
    public func durability() async throws(OutboxError) -> (journalMode: String, synchronous: Int) {
        do {
            return try await pool.writeWithoutTransaction { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "", try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1)
            }
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// The `cache_size` of the writer, of a reader and of the checkpointer's connection (negative:
    /// KiB), as SQLite reports them: each is `-pageCacheKiB`.
    public func pageCacheSizes() async throws(OutboxError) -> [Int] {
        do {
            let query = "PRAGMA cache_size"
            var sizes = [
                try await pool.writeWithoutTransaction { try Int.fetchOne($0, sql: query) ?? 0 },
                try await pool.read { try Int.fetchOne($0, sql: query) ?? 0 },
            ]
            if let checkpointer { sizes.append(try checkpointer.cacheSize()) }
            return sizes
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// Closes the database connections. The store must not be used afterwards.
    public func close() throws(OutboxError) {
        // The pool is closed even if the checkpointer's connection fails to close.
        let checkpointerClosed = Result { try checkpointer?.close() }
        do {
            try pool.close()
            try checkpointerClosed.get()
        } catch { throw Self.translate(error, path: path) }
    }

    /// Runs `work` in a group-committed write transaction, translating database errors.
    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws(OutboxError) -> T {
        do { return try await committer.perform(work) } catch { throw Self.translate(error, path: path) }
    }

    /// Runs `work` on a read snapshot, translating database errors.
    func read<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws(OutboxError) -> T {
        do { return try await pool.read(work) } catch { throw Self.translate(error, path: path) }
    }

    /// Maps SQLite's result codes onto the store's error codes, keeping SQLite's message.
    static func translate(_ error: any Error, path: String) -> OutboxError {
        if let error = error as? OutboxError { return error }
        guard let error = error as? DatabaseError else {
            return OutboxError(.database, "\(path): \(error)")
        }
        let message = error.message ?? "\(error)"
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return OutboxError(.storeLocked, "\(path) is locked by another process (busy timeout exceeded): \(message)")
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return OutboxError(.storeCorrupted, "\(path) is not a valid SwGate store (corrupted or not SQLite): \(message)")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_IOERR:
            return OutboxError(.storeUnavailable, "\(path) cannot be opened or written: \(message)")
        default:
            return OutboxError(.database, "\(path): \(message)")
        }
    }
}

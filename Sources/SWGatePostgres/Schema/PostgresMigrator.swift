import Logging
import PostgresNIO
import SWGateStore

/// Brings a database's schema up to ``PostgresSchema/currentVersion``, or refuses it.
///
/// Runs on one connection of its own under a session-level advisory lock: the first instance to
/// start migrates, the others wait for the lock and then find nothing to do. Each version is applied
/// in its own transaction together with its row in `swgate_schema_version`, so a migration is
/// either wholly applied or not at all, and running the migrator again changes nothing.
enum PostgresMigrator {
    /// The schema version recorded in the database, 0 for an empty one.
    static func version(_ connection: PostgresConnection, logger: Logger) async throws -> Int {
        let exists = try await connection.query("SELECT to_regclass('swgate_schema_version') IS NOT NULL AS present", logger: logger).first()
        guard try exists?.value("present", as: Bool.self) == true else { return 0 }
        let row = try await connection.query("SELECT COALESCE(MAX(version), 0)::bigint AS version FROM swgate_schema_version", logger: logger)
            .first()
        return Int(try row?.value("version", as: Int64.self) ?? 0)
    }

    /// Migrates (when `migrate`) or checks the schema. Throws `.storeUnavailable` for a database
    /// newer than this binary, or not migrated when `migrate` is off.
    static func prepare(_ connection: PostgresConnection, migrate: Bool, database: String, logger: Logger) async throws {
        guard migrate else {
            try check(try await version(connection, logger: logger), database: database, allowOlder: false)
            return
        }
        try await connection.query("SELECT pg_advisory_lock(\(PostgresSchema.migrationLockKey))", logger: logger).all()
        do {
            try await apply(connection, database: database, logger: logger)
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(PostgresSchema.migrationLockKey))", logger: logger).all()
            throw error
        }
        try await connection.query("SELECT pg_advisory_unlock(\(PostgresSchema.migrationLockKey))", logger: logger).all()
    }

    private static func apply(_ connection: PostgresConnection, database: String, logger: Logger) async throws {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS swgate_schema_version (
                version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
            """, logger: logger
        ).all()
        let current = try await version(connection, logger: logger)
        try check(current, database: database, allowOlder: true)
        for migration in PostgresSchema.migrations where migration.version > current {
            try await connection.query("BEGIN", logger: logger).all()
            do {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).all()
                }
                try await connection.query(
                    "INSERT INTO swgate_schema_version (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger
                ).all()
                try await connection.query("COMMIT", logger: logger).all()
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger).all()
                throw error
            }
            logger.info("store schema migrated", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
        }
    }

    private static func check(_ version: Int, database: String, allowOlder: Bool) throws(OutboxError) {
        let known = PostgresSchema.currentVersion
        if version > known {
            throw OutboxError(
                .storeUnavailable,
                "\(database) has schema version \(version), newer than this swgate knows (\(known)): upgrade swgate before starting it on this database"
            )
        }
        if version < known, !allowOlder {
            throw OutboxError(
                .storeUnavailable,
                "\(database) has schema version \(version), not the current \(known): it is migrated when a gateway (swgate serve) starts on it")
        }
    }
}

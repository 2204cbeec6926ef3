import PostgresNIO
import SWGateStore

extension PostgresOutboxStore {
    /// Ready when a pooled connection answers a query.
    public func readinessProblem() async -> String? {
        do {
            _ = try await read { connection in try await connection.query("SELECT 1", logger: Self.quietLogger).all().count }
            return nil
        } catch {
            return "\(error)"
        }
    }
}

extension PostgresOutboxStore {
    /// The connection pool's figures now (in use, waiting, configured maximum).
    public var poolFigures: PoolFigures { pool.figures }

    /// Why this instance could not write to the outbox now: a server in recovery (a read-only
    /// standby), or a role without INSERT and UPDATE on the outbox tables; nil when it can.
    public func writeProblem() async -> String? {
        do {
            let row = try await read { connection in
                try await connection.query(
                    """
                    SELECT pg_is_in_recovery() AS standby,
                           has_table_privilege('message', 'INSERT') AND has_table_privilege('delivery', 'INSERT,UPDATE')
                             AND has_table_privilege('audit_log', 'INSERT') AS writable
                    """, logger: Self.quietLogger
                ).first()
            }
            guard let row else { return "the database did not answer the write check" }
            if try row.value("standby", as: Bool.self) { return "the database is a standby in recovery (read-only)" }
            if !(try row.value("writable", as: Bool.self)) { return "the database role may not insert into or update the outbox tables" }
            return nil
        } catch {
            return "\(error)"
        }
    }
}

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

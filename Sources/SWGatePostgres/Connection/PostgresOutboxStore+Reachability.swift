import PostgresNIO
import SWGateStore

extension PostgresOutboxStore {
    /// Whether a database answers, as a gateway starting up needs to know it.
    public enum Reachability: Sendable, Hashable {
        /// A connection was made and the server accepted the login.
        case reachable
        /// Nothing answered, the connection was refused or cut, or the server is starting up or
        /// shutting down: trying again later may succeed.
        case unreachable(String)
        /// The server answered and refused (authentication, no such database, …): waiting will
        /// not help.
        case refused(String)
    }

    /// Connects once to the configured database and says whether it is there.
    public static func reachability(_ configuration: PostgresStoreConfiguration) async -> Reachability {
        do {
            let connection = try await PostgresConnection.connect(configuration: connectionConfiguration(configuration), id: 3, logger: quietLogger)
            try? await connection.close()
            return .reachable
        } catch {
            let reason = PostgresErrorTranslation.translate(error, database: configuration.displayURL).reason
            if let error = error as? PSQLError, error.code == .server {
                let state = error.serverInfo?[.sqlState] ?? ""
                // Connection exceptions, "the database system is starting up / shutting down",
                // too many connections: transient. Anything else the server said is an answer.
                return state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53") ? .unreachable(reason) : .refused(reason)
            }
            return .unreachable(reason)
        }
    }
}

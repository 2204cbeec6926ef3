import PostgresNIO
import SWGateStore

/// Maps postgres-nio's errors onto the store's error codes at the module boundary, keeping the
/// server's SQLSTATE and message (the library's own description hides them on purpose).
enum PostgresErrorTranslation {
    static func translate(_ error: any Error, database: String) -> OutboxError {
        if let error = error as? OutboxError { return error }
        guard let error = error as? PSQLError else {
            if error is CancellationError { return OutboxError(.storeUnavailable, "\(database): cancelled") }
            return OutboxError(.storeUnavailable, "\(database): \(error)")
        }
        if error.code == .server, let info = error.serverInfo {
            let state = info[.sqlState] ?? "?"
            let message = info[.message] ?? "no message"
            let text = "\(database): \(message) (SQLSTATE \(state))"
            switch state {
            case "40001", "40P01", "55P03", "57014":
                // serialization failure, deadlock, lock not available, statement cancelled
                return OutboxError(.storeLocked, text)
            case _
            where state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53") || state.hasPrefix("28")
                || state == "3D000":
                // connection exceptions, shutdown, out of resources, authentication, no such database
                return OutboxError(.storeUnavailable, text)
            default:
                return OutboxError(.database, text)
            }
        }
        var reason = "\(database): \(error.code)"
        if let underlying = error.underlying { reason += ": \(underlying)" }
        return OutboxError(.storeUnavailable, reason)
    }
}

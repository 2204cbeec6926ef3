import Logging
import PostgresNIO
import SWGateStore

extension PostgresOutboxStore {
    /// LISTENs on the store's channel on a connection of its own and calls `wake` for every
    /// notification (an enqueue, a replay, a reclaimed lease, a delivery that frees the next one of
    /// its conversation, on any instance), and once each time listening (re)starts, since what was
    /// notified while not listening is lost. A lost connection is re-established after a pause;
    /// meanwhile the engine's polling finds the work. Returns when the task is cancelled.
    public func watchForWork(_ wake: @escaping @Sendable () -> Void) async throws {
        let channel = configuration.notificationChannel
        var pause = Duration.milliseconds(250)
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: Self.connectionConfiguration(configuration), id: 1, logger: logger)
                do {
                    try await connection.listen(on: channel) { notifications in
                        wake()
                        pause = .milliseconds(250)
                        for try await _ in notifications { wake() }
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch {
                if Task.isCancelled { return }
                logger.warning(
                    "store notifications interrupted; polling meanwhile",
                    metadata: ["error": "\(PostgresErrorTranslation.translate(error, database: configuration.displayURL))"])
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(5))
        }
    }
}

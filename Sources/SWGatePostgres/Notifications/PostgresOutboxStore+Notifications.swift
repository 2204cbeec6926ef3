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
            let started = ContinuousClock.now
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: Self.connectionConfiguration(configuration), id: 1, logger: logger)
                do {
                    // Closing the connection ends the notification sequence: cancellation then
                    // stops the listener wherever it waits (LISTEN, or the next notification).
                    try await withTaskCancellationHandler {
                        try await connection.listen(on: channel) { notifications in
                            wake()
                            for try await _ in notifications { wake() }
                        }
                    } onCancel: {
                        connection.close()
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
            // A listener that ran a while starts again quickly; repeated failures back off to 5 s.
            if ContinuousClock.now - started > .seconds(10) { pause = .milliseconds(250) }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(5))
        }
    }
}

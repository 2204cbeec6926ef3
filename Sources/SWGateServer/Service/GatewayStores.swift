public import Foundation
public import Logging
public import SWGatePostgres
public import SWGateStore

/// Opens the outbox store a configuration names: the embedded SQLite file or the PostgreSQL
/// database shared by several instances (password from the environment variable the `store`
/// section names). Used by `swgate serve`; the CLI's operator commands open stores through it too.
public enum GatewayStores {
    /// An opened store and how to name it in messages (file path, or URL without password).
    public struct Opened: Sendable {
        public var store: any SubmissionStore
        public var description: String
    }

    /// Opens the gateway's store: SQLite created and migrated when missing, PostgreSQL migrated
    /// under its advisory lock. A database that cannot be reached is a start-up error, unless
    /// `waitForDatabase` is given: then, while the database does not answer (down, starting up,
    /// unreachable), it is called with the reason and the pause before the next try (1 s, doubling
    /// to 30 s), until the database answers or the task is cancelled. A database that answers and
    /// refuses (authentication, no such database, a newer schema) is an error at once.
    public static func open(
        _ configuration: GatewayConfiguration, baseDirectory: String, environment: [String: String], logger: Logger? = nil,
        waitForDatabase: (@Sendable (_ reason: String, _ retryIn: Duration) -> Void)? = nil
    ) async throws(GatewayStartupError) -> Opened {
        switch configuration.store.kind {
        case .sqlite:
            return try openSQLite(configuration, baseDirectory: baseDirectory)
        case .postgres:
            let settings: PostgresStoreConfiguration
            do {
                settings = try postgresConfiguration(configuration, environment: environment)
            } catch {
                throw GatewayStartupError("store", error.reason)
            }
            if let waitForDatabase {
                var pause = Duration.seconds(1)
                while case .unreachable(let reason) = await PostgresOutboxStore.reachability(settings) {
                    waitForDatabase(reason, pause)
                    do {
                        try await Task.sleep(for: pause)
                    } catch {
                        throw GatewayStartupError("store", "stopped while waiting for \(settings.displayURL): \(reason)")
                    }
                    pause = min(pause * 2, .seconds(30))
                }
            }
            do {
                let store = try await PostgresOutboxStore(configuration: settings, logger: logger ?? Logger(label: "swgate.store"))
                return Opened(store: store, description: settings.displayURL)
            } catch {
                throw GatewayStartupError("store", "\(error.reason)")
            }
        }
    }

    /// Opens (creating and migrating) the configured SQLite file.
    public static func openSQLite(_ configuration: GatewayConfiguration, baseDirectory: String) throws(GatewayStartupError) -> Opened {
        guard configuration.store.kind == .sqlite else {
            throw GatewayStartupError("store", "store.kind is \(configuration.store.kind.rawValue): open the gateway with GatewayServer.open")
        }
        let path = configuration.storePath.hasPrefix("/") ? configuration.storePath : baseDirectory + "/" + configuration.storePath
        do {
            return Opened(store: try SQLiteOutboxStore(path: path), description: path)
        } catch {
            throw GatewayStartupError("store", "\(error)")
        }
    }

    /// The PostgreSQL settings of `configuration`, the password read from the environment.
    public static func postgresConfiguration(_ configuration: GatewayConfiguration, environment: [String: String]) throws(OutboxError)
        -> PostgresStoreConfiguration
    {
        guard let url = configuration.store.url else {
            throw OutboxError(.invalidRequest, "store.url is required with store.kind postgres")
        }
        var settings = try PostgresStoreConfiguration(
            url: url, password: environment[configuration.store.passwordEnvironment], poolSize: configuration.store.pool)
        // One audit chain per instance, named after its lease owner (docs/high-availability.md).
        settings.auditChain = configuration.delivery.owner
        return settings
    }
}

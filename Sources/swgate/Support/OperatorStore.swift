import Foundation
import SWGatePostgres
import SWGateServer
import SWGateStore

/// Opens the outbox for the operator commands (`outbox …`, `audit verify`, `send`): the one place
/// that knows the kinds of store.
///
/// A location is a SQLite file path or a `postgres://user@host:port/database` URL; the database
/// password comes from `SWGATE_STORE_PASSWORD`. A gateway configuration names its store in its
/// `store` section (``open(configuration:environment:)``).
enum OperatorStore {
    /// Opens an existing store without creating or migrating it. Store errors exit with code 2.
    static func open(location: String, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> any SubmissionStore {
        try await open(configuration: configuration(location: location), environment: environment)
    }

    /// Opens the store a gateway configuration names, as an operator tool: never creates a SQLite
    /// file, never migrates a schema.
    static func open(configuration: GatewayConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment) async throws
        -> any SubmissionStore
    {
        do {
            switch configuration.store.kind {
            case .sqlite:
                var settings = SQLiteOutboxStore.Configuration()
                settings.createIfMissing = false
                settings.migrate = false
                settings.singleConnection = true
                if let text = environment["SWGATE_BUSY_TIMEOUT"] { settings.busyTimeout = .seconds(try duration(text)) }
                return try SQLiteOutboxStore(path: configuration.storePath, configuration: settings)
            case .postgres:
                var settings = try GatewayStores.postgresConfiguration(configuration, environment: environment)
                settings.migrate = false
                return try await PostgresOutboxStore(configuration: settings)
            }
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure.store(error)
        }
    }

    /// Opens the store for `send`, which accepts messages as intake does: a SQLite file is created
    /// and migrated when missing, a PostgreSQL schema migrated.
    static func openForIntake(location: String, environment: [String: String] = ProcessInfo.processInfo.environment) async throws
        -> any SubmissionStore
    {
        try await openForIntake(configuration: configuration(location: location), environment: environment)
    }

    /// ``openForIntake(location:environment:)`` for the store a gateway configuration names, with
    /// its pool size and password variable.
    static func openForIntake(configuration: GatewayConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment)
        async throws -> any SubmissionStore
    {
        do {
            return try await GatewayStores.open(configuration, baseDirectory: FileManager.default.currentDirectoryPath, environment: environment)
                .store
        } catch {
            throw CommandFailure.usage("error: \(error.message)")
        }
    }

    /// A configuration whose store is `location`: a SQLite file, or a PostgreSQL URL with a pool of
    /// two connections.
    private static func configuration(location: String) -> GatewayConfiguration {
        var configuration = GatewayConfiguration()
        if isDatabaseURL(location) {
            configuration.store.kind = .postgres
            configuration.store.url = location
            configuration.store.pool = 2
        } else {
            configuration.storePath = location
        }
        return configuration
    }

    static func isDatabaseURL(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }
}

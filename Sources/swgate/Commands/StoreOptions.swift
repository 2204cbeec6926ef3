import ArgumentParser
import Foundation
import SWGateServer
import SWGateStore

/// `--config FILE` and `--store PATH`, shared by the outbox, audit and send commands: the store
/// is found the way `swgate serve` finds it.
struct StoreOptions: ParsableArguments {
    @Option(help: "Gateway configuration file (YAML): use its store section, as `swgate serve --config` does.")
    var config: String?

    @Option(
        help:
            "The outbox store, overriding the configuration: a SQLite file or postgres://user@host:port/db (password in $SWGATE_STORE_PASSWORD).")
    var store: String?

    /// The gateway configuration the command works for: `--config` (or the embedded defaults)
    /// with the `SWGATE_…` overrides, exactly as `serve` loads it. A bad one exits 2.
    func gatewayConfiguration() throws -> GatewayConfiguration {
        do {
            return try loadConfiguration(file: config)
        } catch {
            throw CommandFailure.usage("configuration: \(error)")
        }
    }

    /// Opens an existing store (a SQLite file, or PostgreSQL), as `--store` or the configuration
    /// names it; never creates or migrates one. Store errors exit with code 2.
    func open() async throws -> any SubmissionStore {
        if let store { return try await OperatorStore.open(location: Self.resolved(store)) }
        return try await OperatorStore.open(configuration: resolvedConfiguration())
    }

    /// Opens the store for `send`, which accepts messages as intake does (a SQLite file is created
    /// and migrated when missing, a PostgreSQL schema migrated).
    func openForIntake() async throws -> any SubmissionStore {
        if let store { return try await OperatorStore.openForIntake(location: Self.resolved(store)) }
        return try await OperatorStore.openForIntake(configuration: resolvedConfiguration())
    }

    /// The configuration with a relative SQLite path resolved against the working directory.
    private func resolvedConfiguration() throws -> GatewayConfiguration {
        var configuration = try gatewayConfiguration()
        configuration.storePath = Self.resolved(configuration.storePath)
        return configuration
    }

    private static func resolved(_ location: String) -> String {
        location.hasPrefix("/") || OperatorStore.isDatabaseURL(location) ? location : FileManager.default.currentDirectoryPath + "/" + location
    }
}

/// Parses `30s`, `15m`, `2h`, `7d`; a bad one is a usage error (exit 2).
func duration(_ text: String) throws -> Int64 {
    do {
        return try HumanDuration.seconds(text)
    } catch {
        throw CommandFailure.usage(error.reason)
    }
}

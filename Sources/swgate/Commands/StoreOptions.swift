import ArgumentParser
import Foundation
import SWGateServer
import SWGateStore

/// `--config FILE` and `--store PATH`, shared by the outbox, audit and send commands: the store
/// is found the way `swgate serve` finds it.
struct StoreOptions: ParsableArguments {
    @Option(help: "Gateway configuration file (YAML): use its store.path, as `swgate serve --config` does.")
    var config: String?

    @Option(help: "The outbox store; overrides the configuration (default: store.path of --config or $SWGATE_STORE, else data/swgate.sqlite).")
    var store: String?

    /// The gateway configuration the command works for: `--config` (or the embedded defaults)
    /// with the `SWGATE_…` overrides, exactly as `serve` loads it. A bad one exits 2.
    func gatewayConfiguration() throws -> GatewayConfiguration {
        do {
            return try ConfigurationLoader().load(file: config)
        } catch {
            throw CommandFailure.usage("configuration: \(error)")
        }
    }

    /// `--store`, else the configuration's `store.path`; relative paths are resolved against the
    /// working directory, as `serve` resolves them.
    func path() throws -> String {
        let path = try store ?? gatewayConfiguration().storePath
        return path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// Opens an existing store; never creates one. Store errors exit with code 2.
    func open() throws -> SQLiteOutboxStore {
        let path = try path()
        var configuration = SQLiteOutboxStore.Configuration()
        configuration.createIfMissing = false
        configuration.migrate = false
        configuration.singleConnection = true
        if let text = ProcessInfo.processInfo.environment["SWGATE_BUSY_TIMEOUT"] {
            configuration.busyTimeout = .seconds(try duration(text))
        }
        do {
            return try SQLiteOutboxStore(path: path, configuration: configuration)
        } catch {
            throw CommandFailure.store(error)
        }
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

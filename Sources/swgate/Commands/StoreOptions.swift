import ArgumentParser
import Foundation
import SWGateStore

/// `--store PATH` shared by the outbox and audit commands.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The outbox store (default: $SWGATE_STORE, else data/swgate.sqlite).")
    var store: String?

    var path: String {
        store ?? ProcessInfo.processInfo.environment["SWGATE_STORE"] ?? "data/swgate.sqlite"
    }

    /// Opens an existing store; never creates one. Store errors exit with code 2.
    func open() throws -> SQLiteOutboxStore {
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

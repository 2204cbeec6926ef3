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

/// A failure that ends a command with a message on stderr and the exit code SPEC 3.2 gives.
enum CommandFailure: Error {
    /// Bad arguments or configuration, or a store that cannot be used: exit 2.
    case usage(String)
    /// The command ran and found problems: exit 1.
    case problems(String)

    static func store(_ error: any Error) -> CommandFailure {
        if let error = error as? OutboxError { return .usage("error: \(error.reason) [\(error.code)]") }
        return .usage("error: \(error)")
    }
}

/// Runs a command body, printing failures to stderr and mapping them to exit codes.
func runReporting(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let failure as CommandFailure {
        switch failure {
        case .usage(let message):
            printError(message.hasPrefix("error:") ? message : "error: \(message)")
            throw ExitCode(2)
        case .problems(let message):
            if !message.isEmpty { printError(message) }
            throw ExitCode(1)
        }
    } catch let error as OutboxError {
        printError("error: \(error.reason) [\(error.code)]")
        throw ExitCode(2)
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

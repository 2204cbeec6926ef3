import ArgumentParser
import Foundation
import SWGateStore

/// A failure that ends a command with a message on stderr and the exit code docs/cli.md gives.
enum CommandFailure: Error {
    /// Bad arguments or configuration, or a store that cannot be used: exit 2.
    case usage(String)
    /// The command ran and found problems: exit 1.
    case problems(String)

    /// Prints the message to standard error and returns the exit code to throw.
    func exit() -> ExitCode {
        switch self {
        case .usage(let message):
            printError(message.hasPrefix("error:") ? message : "error: \(message)")
            return ExitCode(2)
        case .problems(let message):
            if !message.isEmpty { printError(message) }
            return ExitCode(1)
        }
    }

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
        throw failure.exit()
    } catch let error as OutboxError {
        printError("error: \(error.reason) [\(error.code)]")
        throw ExitCode(2)
    }
}


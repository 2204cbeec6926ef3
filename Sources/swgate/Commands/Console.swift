import ArgumentParser
import Foundation
import SWGateConsole

/// `swgate console …`: the operator console's accounts.
struct Console: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage the operator console's accounts.", subcommands: [ConsoleHashPassword.self])
}

/// `swgate console hash-password`: reads a password from standard input (never from the command
/// line, where it would land in the shell's history and the process list) and prints the
/// `password_hash` value for `console.operators` in the configuration.
struct ConsoleHashPassword: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash-password", abstract: "Print the PBKDF2 hash of a password read from standard input, for console.operators.")

    @Option(help: "PBKDF2-HMAC-SHA256 iterations (at least \(PasswordHash.minimumIterations)).") var iterations = PasswordHash.defaultIterations

    func run() async throws {
        try await runReporting {
            guard iterations >= PasswordHash.minimumIterations else {
                throw CommandFailure.usage("--iterations must be at least \(PasswordHash.minimumIterations)")
            }
            let line: String?
            if isatty(STDIN_FILENO) != 0, let typed = getpass("Password: ") {
                line = String(cString: typed)  // typed without echo
            } else {
                line = readLine(strippingNewline: true)
            }
            guard let line, !line.isEmpty else {
                throw CommandFailure.usage("no password on standard input")
            }
            guard line.count >= 12 else { throw CommandFailure.usage("use a password of at least 12 characters") }
            print(PasswordHash.make(password: line, iterations: iterations).description)
        }
    }
}

import ArgumentParser
import Foundation
import SWGateServer

/// `swgate`: the gateway's command line. Each subcommand lives in `Commands/`.
///
/// Exit codes follow docs/cli.md: 0 success, 1 the command ran and found problems, 2 usage or
/// configuration error (argument-parser's own usage code 64 is mapped to 2).
@main
struct SWGate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swgate",
        abstract: "Gateway between the ministry portal, the National Single Window and the ASEAN Single Window.",
        version: GatewayVersion.current,
        subcommands: [
            Serve.self,
            Send.self,
            Validate.self,
            Sign.self,
            Verify.self,
            Certs.self,
            Doctor.self,
            Outbox.self,
            Audit.self,
            Console.self,
            Simulate.self,
        ]
    )

    /// Runs the command; usage errors exit with 2 (docs/cli.md) rather than ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

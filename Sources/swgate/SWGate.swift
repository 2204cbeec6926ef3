import ArgumentParser

/// `swgate`: the gateway's command line. Each subcommand lives in `Commands/`.
@main
struct SWGate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swgate",
        abstract: "Gateway between the ministry portal, the National Single Window and the ASEAN Single Window.",
        subcommands: [
            Serve.self,
            Validate.self,
            Sign.self,
            Verify.self,
            Certs.self,
        ]
    )
}

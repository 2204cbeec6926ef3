import ArgumentParser

/// `swgate serve`: runs the gateway.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway (HTTP server and delivery engine).")

    @Option(name: .long, help: "Configuration file (TOML). Without it the embedded defaults are used.")
    var config: String?

    func run() async throws {
        print("swgate serve: the HTTP server is not part of this build yet; see README.md (Status).")
        throw ExitCode(2)
    }
}

import ArgumentParser
import Foundation
import Logging
import SWGateConsole
import SWGateSecurity
import SWGateServer
import SWGateStore

/// `swgate serve`: runs the gateway. Configuration problems exit 2 with file:line and what is wrong;
/// deprecated keys are named on standard error with the key to write instead.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway (HTTP server and delivery engine).")

    @Option(name: .long, help: "Configuration file (YAML, see swgate.example.yaml). Without it the embedded defaults are used.")
    var config: String?

    func run() async throws {
        let server: GatewayServer
        do {
            let settings = try loadConfiguration(file: config)
            if settings.logFormat == .json {
                // Every logger of the process (the HTTP server's, the database driver's) writes JSON lines too.
                let level = Logger.Level(rawValue: settings.logLevel) ?? .info
                LoggingSystem.bootstrap { label in
                    var handler = JSONLogHandler(label: label)
                    handler.logLevel = level
                    return handler
                }
            } else {
                TextLogHandler.bootstrap()
            }
            // A PostgreSQL database that does not answer yet (down, starting up) is waited for,
            // with a line on standard error at every try; nothing listens meanwhile.
            server = try await GatewayServer.open(
                configuration: settings,
                waitForDatabase: { reason, pause in
                    printError("warning: store not reachable, trying again in \(pause): \(reason)")
                })
        } catch let error as ConfigurationError {
            throw CommandFailure.usage("configuration: \(error)").exit()
        } catch {
            throw CommandFailure.usage("error: cannot start: \(error)").exit()
        }
        let host = server.configuration.listen.host
        let scheme = server.configuration.listen.tlsCertificate == nil ? "http" : "https"
        let clientCertificates = server.configuration.listen.tlsClientCA == nil ? "" : ", client certificates required"
        let pki = URL(fileURLWithPath: server.security.configuration.systemKey.keyPath).deletingLastPathComponent().path
        let keys =
            server.configuration.security == nil
            ? "development PKI in \(pki)/ (TEST MATERIAL ONLY)"
            : "signing as \(server.security.systemIdentity.certificate.subject)"
        let console = server.configuration.console
        let consoleNote = console.isServed ? "; console: /console (\(console.operators.count) operator(s))" : "; console: off (no console.operators)"
        try await server.run { port in
            FileHandle.standardOutput.write(
                Data(
                    "swgate \(GatewayVersion.current): listening on \(scheme)://\(host):\(port) (store \(server.storeDescription)\(clientCertificates)); keys: \(keys)\(consoleNote)\n"
                        .utf8))
        }
    }
}

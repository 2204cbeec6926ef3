import ArgumentParser
import Foundation
import SWGateChannels
import SWGateNSW
import SWGateAS4
import SWGateHTTP
import SWGateSecurity

/// `swgate simulate nsw|asw`: runs a loopback partner (NSW or ASW access point) for tests and demos.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a simulated partner (nsw: SOAP 1.1 NSW; asw: AS4 access point) that verifies and signs with the development PKI.")

    @Argument(help: "Which partner: nsw or asw.")
    var partner: String

    @Option(help: "Port to listen on (0 picks a free one). Default: the gateway's default destination port, 9101 for nsw, 9102 for asw.")
    var port: Int?

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Failure mode: none, unavailable-every:N, server-fault, client-fault, bad-signature, fail-next:N.")
    var fail: String = "none"

    @Option(help: "nsw only: the gateway's /nsw URL, where POST /control/answer sends STATUS/REJECT answers.")
    var gateway: String?

    @Option(help: "Directory of the development PKI.")
    var certificates: String = "Certificates"

    func run() async throws {
        guard let simulated = SimulatedPartner(rawValue: partner.lowercased()) else {
            throw ValidationError("partner must be nsw or asw, not \(partner)")
        }
        guard let mode = FailureMode(fail) else {
            throw ValidationError("unknown failure mode \(fail)")
        }
        let home = ProcessInfo.processInfo.environment["SWGATE_HOME"] ?? FileManager.default.currentDirectoryPath
        let security: SecurityServices
        do {
            security = try simulated.developmentSecurity(certificates: certificates, baseDirectory: home)
        } catch {
            FileHandle.standardError.write(Data("swgate simulate: cannot load the \(partner) keys: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let endpoint: any Endpoint
        if simulated == .nsw {
            endpoint = NSWSimulator(security: security, failure: mode, gatewayURL: gateway)
        } else {
            endpoint = ASWSimulator(security: security, failure: mode)
        }
        let server = EndpointHost(host: host, port: port ?? (simulated == .nsw ? 9101 : 9102), routes: [.init("/", endpoint)])
        let name = simulated.rawValue
        let address = host
        try await server.run { bound in
            let line = "swgate simulate \(name): listening on http://\(address):\(bound)/ (failure mode \(mode); GET /received, POST /control)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }
}

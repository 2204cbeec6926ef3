import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import SWGateAS4
import SWGateChannels
import SWGateDomain
import SWGateNSW
import SWGateServer
import SWGateTesting
import Synchronization
import Testing

/// A gateway on a fresh store in its own directory, against the partner simulators and the portal
/// callback recorder (``Partners``), served on a free loopback port with a client for it. The one
/// way the end-to-end suites start a gateway.
struct PartnerGateway {
    let directory: TemporaryDirectory
    let partners: Partners
    let server: GatewayServer
    let port: Int
    let run: Task<Void, any Error>
    let http: HTTPClient
    let client: TestClient

    /// `nsw` and `asw` set the simulators' failure modes; `adjust` changes the configuration;
    /// `profiles` are registered beside the standard document types.
    static func start(
        nsw: FailureMode = .none, asw: FailureMode = .none, profiles: [DocumentProfile] = [], logger: Logger? = nil,
        _ adjust: (inout GatewayConfiguration) -> Void = { _ in }
    ) async throws -> PartnerGateway {
        let directory = try TemporaryDirectory()
        let partners = try await Partners.start()
        await partners.nsw.state.setMode(nsw)
        await partners.asw.state.setMode(asw)
        var configuration = partners.configuration(store: directory.path("gw.sqlite"))
        adjust(&configuration)
        let server = try GatewayServer(configuration: configuration, profiles: profiles, logger: logger)
        let (port, run) = try await startGateway(server)
        let http = HTTPClient.forTest()
        return PartnerGateway(
            directory: directory, partners: partners, server: server, port: port, run: run, http: http,
            client: TestClient(base: "http://127.0.0.1:\(port)", client: http))
    }

    /// POSTs a business document as the development portal client (`/v1/documents` by default).
    func submit(_ body: [UInt8], path: String = "/v1/documents") async throws -> HTTPResult {
        try await client.send(
            .POST, path, headers: [("Content-Type", "application/xml"), ("Authorization", "Bearer \(DevelopmentToken.submitter)")], body: body)
    }

    /// The JSON callbacks the portal received so far.
    var callbacks: [[String: Any]] {
        partners.callback.bodies.withLock { $0 }.compactMap { entry in
            guard entry.headers["content-type"]?.hasPrefix("application/json") == true else { return nil }
            return (try? JSONSerialization.jsonObject(with: Data(entry.body))) as? [String: Any]
        }
    }

    /// Stops the gateway (drained), then the partners, and removes the directory.
    func stop() async {
        run.cancel()
        _ = try? await run.value
        try? await http.shutdown()
        partners.stop()
        directory.remove()
    }
}

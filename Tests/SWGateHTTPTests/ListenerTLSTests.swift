import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import SWGateHTTP
import SWGateTesting
import Testing

@Suite("HTTPS listener with client certificates")
struct ListenerTLSTests {
    static let certificates = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Certificates").path

    func client(certificate: String?) throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(Self.certificates + "/ca.pem"))
        tls.certificateVerification = .fullVerification  // the dev certificate names 127.0.0.1 and localhost too
        if let certificate {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(Self.certificates + "/\(certificate).pem").map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: Self.certificates + "/\(certificate).key", format: .pem))
        }
        return HTTPClient.forTest(configuration: .init(tlsConfiguration: tls))
    }

    func get(_ client: HTTPClient, _ url: String) async throws -> Int {
        let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        return Int(response.status.code)
    }

    @Test("A client with a certificate under the client CA gets through; without one, or over plain HTTP, it does not")
    func mutualTLS() async throws {
        let tls = try ListenerTLS(
            certificateChainPath: Self.certificates + "/gateway.pem", privateKeyPath: Self.certificates + "/gateway.key",
            clientCAPath: Self.certificates + "/ca.pem"
        ).configuration()
        let (port, task) = try await startHost(EndpointHost(routes: [.init("/v1", EchoEndpoint(name: "v1"))], tls: tls))
        defer { task.cancel() }

        let portal = try client(certificate: "portal")
        // A failed request is recorded, not thrown: the client must be shut down before it goes
        // away, or its deinit stops the whole test process.
        var status: Int?
        do {
            status = try await get(portal, "https://127.0.0.1:\(port)/v1/ping")
        } catch {
            Issue.record(error)
        }
        try await portal.shutdown()
        #expect(status == 200)

        let anonymous = try client(certificate: nil)
        await #expect(throws: (any Error).self) { _ = try await get(anonymous, "https://127.0.0.1:\(port)/v1/ping") }
        try await anonymous.shutdown()

        let rogue = try client(certificate: "rogue")  // issued by a CA the listener does not trust
        await #expect(throws: (any Error).self) { _ = try await get(rogue, "https://127.0.0.1:\(port)/v1/ping") }
        try await rogue.shutdown()

        let plain = HTTPClient.forTest()
        await #expect(throws: (any Error).self) { _ = try await get(plain, "http://127.0.0.1:\(port)/v1/ping") }
        try await plain.shutdown()
    }

    @Test("Missing or non-PEM files are reported when the configuration is built")
    func badFiles() throws {
        #expect(throws: (any Error).self) {
            try ListenerTLS(certificateChainPath: "/nonexistent.pem", privateKeyPath: Self.certificates + "/gateway.key").configuration()
        }
        #expect(throws: (any Error).self) {
            try ListenerTLS(certificateChainPath: Self.certificates + "/gateway.pem", privateKeyPath: Self.certificates + "/README.md").configuration()
        }
    }
}

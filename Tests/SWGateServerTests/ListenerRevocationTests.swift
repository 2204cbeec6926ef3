import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import SWGateSecurity
import SWGateServer
import SWGateTesting
import Testing

/// The listener checks client certificates against the configured CRLs, as signature verification
/// does, and the development PKI's server certificates carry the names TLS clients check.
/// Real TLS handshakes with the gateway on 127.0.0.1.
@Suite("Listener TLS: revoked client certificates, server names")
struct ListenerRevocationTests {
    /// A client trusting the development CA, presenting `certificate` when given; `verifyHostName`
    /// checks the server certificate's names against the URL's host.
    static func client(certificate: String?, verifyHostName: Bool = false) throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificatesDirectory + "/ca.pem"))
        tls.certificateVerification = verifyHostName ? .fullVerification : .noHostnameVerification
        if let certificate {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificatesDirectory + "/\(certificate).pem").map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: certificatesDirectory + "/\(certificate).key", format: .pem))
        }
        return HTTPClient.forTest(configuration: .init(tlsConfiguration: tls))
    }

    /// Runs a gateway on 127.0.0.1 with TLS (server certificate `serverCertificate`), requiring client
    /// certificates under the development CA when `clientCA`; `crls` replaces the development CRLs.
    static func withGateway(
        serverCertificate: String = "gateway", clientCA: Bool = true, crls: [String]? = nil, _ body: (Int) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var c = GatewayConfiguration()
        c.listen.port = 0
        c.storePath = directory.path("gw.sqlite")
        c.certificatesDirectory = certificatesDirectory
        c.listen.tlsCertificate = certificatesDirectory + "/\(serverCertificate).pem"
        c.listen.tlsKey = certificatesDirectory + "/\(serverCertificate).key"
        if clientCA { c.listen.tlsClientCA = certificatesDirectory + "/ca.pem" }
        if let crls {
            var security = SecurityConfiguration.development(directory: certificatesDirectory)
            security.crls = crls
            c.security = security
        }
        c.logLevel = "critical"
        let server = try GatewayServer(configuration: c, environment: [:])
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let run = Task { try await server.run { continuation.yield($0) } }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next() else {
            run.cancel()
            Issue.record("the gateway did not start")
            return
        }
        do {
            try await body(port)
        } catch {
            run.cancel()
            _ = try? await run.value
            throw error
        }
        run.cancel()
        _ = try? await run.value
    }

    static func healthz(_ client: HTTPClient, _ url: String) async throws -> Int {
        let response = try await client.execute(HTTPClientRequest(url: url + "/healthz"), timeout: .seconds(10))
        return Int(response.status.code)
    }

    @Test("A revoked client certificate is refused at the handshake; a good one gets through")
    func revokedClientIsRefused() async throws {
        try await Self.withGateway { port in
            let good = try Self.client(certificate: "portal")
            #expect(try await Self.healthz(good, "https://127.0.0.1:\(port)") == 200)
            try await good.shutdown()

            let revoked = try Self.client(certificate: "revoked")
            await #expect(throws: (any Error).self, "the revoked certificate completed the handshake") {
                _ = try await Self.healthz(revoked, "https://127.0.0.1:\(port)")
            }
            try await revoked.shutdown()

            let expired = try Self.client(certificate: "expired")
            await #expect(throws: (any Error).self) { _ = try await Self.healthz(expired, "https://127.0.0.1:\(port)") }
            try await expired.shutdown()

            let rogue = try Self.client(certificate: "rogue")  // a CA the listener does not trust
            await #expect(throws: (any Error).self) { _ = try await Self.healthz(rogue, "https://127.0.0.1:\(port)") }
            try await rogue.shutdown()

            let anonymous = try Self.client(certificate: nil)
            await #expect(throws: (any Error).self) { _ = try await Self.healthz(anonymous, "https://127.0.0.1:\(port)") }
            try await anonymous.shutdown()
        }
    }

    @Test("Without CRLs in the configuration the same revoked certificate is accepted: the CRL is what refuses it")
    func revocationComesFromTheCRL() async throws {
        try await Self.withGateway(crls: []) { port in
            let revoked = try Self.client(certificate: "revoked")
            #expect(try await Self.healthz(revoked, "https://127.0.0.1:\(port)") == 200)
            try await revoked.shutdown()
        }
    }

    @Test("The gateway's development certificate verifies with host-name checking at 127.0.0.1 and localhost")
    func serverCertificateNames() async throws {
        try await Self.withGateway(clientCA: false) { port in
            let client = try Self.client(certificate: nil, verifyHostName: true)
            #expect(try await Self.healthz(client, "https://127.0.0.1:\(port)") == 200)
            #expect(try await Self.healthz(client, "https://localhost:\(port)") == 200)
            try await client.shutdown()
        }
        // The partners' server certificates carry the same names.
        for name in ["nsw", "asw"] {
            try await Self.withGateway(serverCertificate: name, clientCA: false) { port in
                let client = try Self.client(certificate: nil, verifyHostName: true)
                #expect(try await Self.healthz(client, "https://localhost:\(port)") == 200, "\(name)")
                try await client.shutdown()
            }
        }
    }

    @Test("A certificate without those names fails the same host-name check")
    func certificateWithoutNamesFails() async throws {
        // The portal certificate is a client certificate: it names no host.
        try await Self.withGateway(serverCertificate: "portal", clientCA: false) { port in
            let client = try Self.client(certificate: nil, verifyHostName: true)
            await #expect(throws: (any Error).self) { _ = try await Self.healthz(client, "https://127.0.0.1:\(port)") }
            try await client.shutdown()
        }
    }
}

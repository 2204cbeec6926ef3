import AsyncHTTPClient
import Foundation
import NIOHTTP1
import NIOSSL
import SWGateSecurity
import SWGateServer
import SWGateTesting
import Testing

/// docs/api.md: the portal authenticates with a bearer token or with mTLS. Over a listener that
/// requires client certificates, a request without `Authorization` is the portal client whose
/// configured `certificate_sha256` is the fingerprint of the connection's certificate.
@Suite("Portal clients identified by their TLS client certificate")
struct PortalClientCertificateTests {
    static func client(certificate: String) throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificatesDirectory + "/ca.pem"))
        tls.certificateVerification = .fullVerification  // the dev certificate names 127.0.0.1 and localhost too
        tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificatesDirectory + "/\(certificate).pem").map { .certificate($0) }
        tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: certificatesDirectory + "/\(certificate).key", format: .pem))
        return HTTPClient.forTest(configuration: .init(tlsConfiguration: tls))
    }

    @Test("The portal's certificate submits and reads without a token; another trusted certificate needs one")
    func certificateIdentifiesTheClient() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var c = GatewayConfiguration()
        c.listen.port = 0
        c.storePath = directory.path("gw.sqlite")
        c.certificatesDirectory = certificatesDirectory
        c.listen.tlsCertificate = certificatesDirectory + "/gateway.pem"
        c.listen.tlsKey = certificatesDirectory + "/gateway.key"
        c.listen.tlsClientCA = certificatesDirectory + "/ca.pem"
        let portal = try Certificate.load(pemFile: certificatesDirectory + "/portal.pem")[0].fingerprintSHA256
        c.clients.append(.init(name: "portal-mtls", certificateSHA256: portal, permissions: [.submit, .read]))
        c.logLevel = "error"
        let server = try GatewayServer(configuration: c, environment: [:])
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let run = Task { try await server.run { continuation.yield($0) } }
        defer { run.cancel() }
        var iterator = stream.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let base = "https://127.0.0.1:\(port)"

        let portalHTTP = try Self.client(certificate: "portal")
        let viaCertificate = TestClient(base: base, client: portalHTTP)
        let accepted = try await viaCertificate.submit(try FormDSamples.withReference("VN-TH 26/03/000901"), token: nil)
        #expect(accepted.status == 202, "\(accepted.text)")
        let id = try #require(accepted.json["id"] as? String)
        #expect(try await viaCertificate.send(.GET, "/v1/messages/\(id)").status == 200)
        // A bearer token still decides when one is sent, over the same connection.
        #expect(try await viaCertificate.submit(try FormDSamples.withReference("VN-TH 26/03/000902"), token: "wrong").status == 401)
        try await portalHTTP.shutdown()

        let officerHTTP = try Self.client(certificate: "officer")  // trusted CA, not a configured client
        let officer = TestClient(base: base, client: officerHTTP)
        let refused = try await officer.submit(try FormDSamples.withReference("VN-TH 26/03/000903"), token: nil)
        #expect(refused.status == 401)
        #expect(refused.text.contains("client certificate is not configured"), "\(refused.text)")
        let withToken = try await officer.submit(try FormDSamples.withReference("VN-TH 26/03/000904"))
        #expect(withToken.status == 202, "\(withToken.text)")
        try await officerHTTP.shutdown()
        run.cancel()
        _ = try? await run.value
    }

    @Test("certificate_sha256 is read as openssl prints it, needs the client CA, and a client needs a token or a certificate")
    func configuration() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        func load(_ yaml: String) throws -> GatewayConfiguration {
            try ConfigurationLoader(environment: [:]).load(file: try directory.write("c-\(UUID().uuidString).yaml", Array(yaml.utf8)))
        }
        let fingerprint = String(repeating: "AB:", count: 31) + "AB"
        let listen = "listen:\n  tls_certificate: c.pem\n  tls_key: k.pem\n  tls_client_ca: ca.pem\n"
        let loaded = try load(listen + "portal:\n  clients:\n    - {name: p, certificate_sha256: \"\(fingerprint)\"}\n")
        #expect(loaded.clients.map(\.certificateSHA256) == [String(repeating: "ab", count: 32)])
        #expect(loaded.clients.map(\.tokenSHA256) == [nil])
        #expect(throws: ConfigurationError.self) { try load("portal:\n  clients:\n    - {name: p, certificate_sha256: \"\(fingerprint)\"}\n") }
        #expect(throws: ConfigurationError.self) { try load(listen + "portal:\n  clients:\n    - {name: p}\n") }
        #expect(throws: ConfigurationError.self) { try load(listen + "portal:\n  clients:\n    - {name: p, certificate_sha256: abc}\n") }
    }
}

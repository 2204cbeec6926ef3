import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import SWGateSecurity
import SWGateServer
import SWGateTesting
import Synchronization
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
    /// certificates under the development CA when `clientCA`; `crls` replaces the development CRLs,
    /// `clockSkew` their `security.clock_skew`; `now` is the gateway's clock; `logger`, when given,
    /// gets the gateway's warnings.
    static func withGateway(
        serverCertificate: String = "gateway", clientCA: Bool = true, crls: [String]? = nil, clockSkew: Double? = nil,
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger? = nil, _ body: (Int) async throws -> Void
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
        if crls != nil || clockSkew != nil {
            var security = SecurityConfiguration.development(directory: certificatesDirectory)
            if let crls { security.crls = crls }
            if let clockSkew { security.clockSkewSeconds = clockSkew }
            c.security = security
        }
        c.logLevel = logger == nil ? "critical" : "warning"
        let server = try GatewayServer(configuration: c, environment: [:], logger: logger, now: now)
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

    @Test(
        "A client certificate's validity is judged by the gateway's clock within security.clock_skew: starting 60 s ahead passes 300 s and fails 30 s; 600 s ahead fails 300 s"
    )
    func clientCertificateValidityTolerance() async throws {
        let start = try Certificate.load(pemFile: certificatesDirectory + "/portal.pem")[0].notBefore
        // The gateway's clock behind the certificate's start, as when the issuing CA's clock is ahead
        // of it. Without CRLs: the development CRL was issued after the portal certificate, so at the
        // certificate's start it is not valid yet itself.
        /// Whether the handshake completed, and the reason the gateway logged when it refused it.
        func handshake(clockBehind seconds: Double, clockSkew: Double) async throws -> (completed: Bool, refusal: String?) {
            let collected = Mutex<[UInt8]>([])
            let output = JSONLogHandler.Output { bytes in collected.withLock { $0 += bytes } }
            let logger = Logger(label: "swgate", factory: { JSONLogHandler(label: $0, output: output) })
            var completed = false
            try await Self.withGateway(crls: [], clockSkew: clockSkew, now: { start.addingTimeInterval(-seconds) }, logger: logger) { port in
                let client = try Self.client(certificate: "portal")
                completed = (try? await Self.healthz(client, "https://127.0.0.1:\(port)")) == 200
                try await client.shutdown()
            }
            let refusal = String(decoding: collected.withLock { $0 }, as: UTF8.self).split(separator: "\n")
                .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .first { $0["message"] as? String == "TLS client certificate refused" }
                .flatMap { ($0["metadata"] as? [String: String])?["reason"] }
            return (completed, refusal)
        }
        let within = try await handshake(clockBehind: 60, clockSkew: 300)
        #expect(within.completed, "refused a certificate 60 s ahead with a 300 s tolerance: \(within.refusal ?? "")")
        let narrow = try await handshake(clockBehind: 60, clockSkew: 30)
        #expect(!narrow.completed, "accepted a certificate 60 s ahead with a 30 s tolerance")
        #expect(narrow.refusal?.contains("60 s after the local time") == true, "\(narrow.refusal ?? "no refusal logged")")
        #expect(narrow.refusal?.contains("(tolerance 30 s)") == true, "\(narrow.refusal ?? "no refusal logged")")
        let far = try await handshake(clockBehind: 600, clockSkew: 300)
        #expect(!far.completed, "accepted a certificate 600 s ahead with a 300 s tolerance")
        #expect(far.refusal?.contains("600 s after the local time") == true, "\(far.refusal ?? "no refusal logged")")
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

import AsyncHTTPClient
import Foundation
import SWGateChannels
import SWGateNSW
import SWGateAS4
import SWGateSecurity
import SWGateServer
import SWGateTesting
import Testing

@Suite("Configuration: the security section (production keys, trust anchors, CRLs, partners)")
struct SecurityConfigurationTests {
    static let passphraseVariable = "SWGATE_TEST_KEY_PASSPHRASE"

    /// A production-style section over the development PKI files: a PKCS#12 key with its
    /// passphrase in the environment, explicit anchors, CRL, partners and parties.
    static func section(systemKey: String? = nil, partners: String? = nil) -> String {
        let d = certificatesDirectory
        return """
            security:
              system_key:
            \(systemKey ?? """
                format: pkcs12
                key: \(d)/gateway.p12
                passphrase_env: \(passphraseVariable)
            """)
              trust_anchors: [\(d)/ca.pem]
              crls: [\(d)/crl.pem]
              clock_skew: 2m
              local_party: {name: Ministry of Industry and Trade, identity: MOIT-VN, country_code: VN, ministry_code: MOIT, organization_code: XNK}
              nsw_party: {name: National Single Window, identity: NSW-VN, country_code: VN, ministry_code: MOF, organization_code: GDVC}
              partners:
            \(partners ?? """
                - {id: NSW-VN, certificate_files: [\(d)/nsw.pem]}
                - id: TH
                  certificate_fingerprints: [\(try! fingerprint("asw.pem"))]
            """)

            """
    }

    static func fingerprint(_ name: String) throws -> String {
        try Certificate.load(pemFile: certificatesDirectory + "/" + name)[0].fingerprintSHA256
    }

    func load(_ yaml: String, environment: [String: String] = [:]) throws -> GatewayConfiguration {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        return try ConfigurationLoader(environment: environment).load(file: try directory.write("swgate.yaml", Array(yaml.utf8)))
    }

    func error(_ yaml: String) -> ConfigurationError? {
        do {
            _ = try load(yaml)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test("The section is read completely and replaces the development layout")
    func reads() throws {
        let c = try load(Self.section())
        let security = try #require(c.security)
        #expect(security.systemKey == KeySource(format: .pkcs12, keyPath: certificatesDirectory + "/gateway.p12", passphraseEnvironmentVariable: Self.passphraseVariable))
        #expect(security.trustAnchors == [certificatesDirectory + "/ca.pem"])
        #expect(security.crls == [certificatesDirectory + "/crl.pem"])
        #expect(security.clockSkewSeconds == 120)
        #expect(security.partners.map(\.id) == ["NSW-VN", "TH"])
        #expect(security.partners[1].certificateFingerprints == [try Self.fingerprint("asw.pem")])
        #expect(security.localParty == .developmentMinistry.with(unitCode: nil))
        #expect(try load("").security == nil, "no section: the development PKI of certificates.directory")
    }

    @Test("Missing or wrong security settings are located errors")
    func errors() {
        #expect(error("security:\n  trust_anchors: [ca.pem]\n")?.keyPath == "security.system_key")
        let pemWithoutCertificate = "    key: gateway.key\n"
        #expect(error(Self.section(systemKey: pemWithoutCertificate))?.keyPath == "security.system_key.certificate")
        let passphraseInFile = "    key: g.p12\n    format: pkcs12\n    passphrase_env: swgate-test-only!\n"
        #expect(error(Self.section(systemKey: passphraseInFile))?.message.contains("name of an environment variable") == true)
        #expect(error(Self.section(systemKey: "    key: g.p12\n    format: jks\n"))?.message.contains("pem or pkcs12") == true)
        #expect(error(Self.section(systemKey: "    key: g.p12\n    format: pkcs12\n    pasphrase_env: X\n"))?.keyPath == "security.system_key.pasphrase_env")
        #expect(error(Self.section(partners: "    - {id: TH}\n"))?.message.contains("needs certificate_files") == true)
        #expect(error(Self.section(partners: "    - {id: TH, certificate_fingerprints: [abc]}\n"))?.keyPath == "security.partners[0].certificate_fingerprints")
        #expect(error(Self.section(partners: "    - {id: TH, subjects: [CN=x], allow_sha1: maybe}\n"))?.keyPath == "security.partners[0].allow_sha1")
        let withoutNSWPartner = Self.section(partners: "    - {id: TH, subjects: [CN=x]}\n")
        let e = error(withoutNSWPartner)
        #expect(e?.keyPath == "destinations.nsw.partner", "the NSW destination's partner NSW-VN is not configured: \(String(describing: e))")
    }

    @Test("A key whose passphrase variable is unset stops start-up, naming the variable")
    func missingPassphrase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var c = try load(Self.section())
        c.storePath = directory.path("gw.sqlite")
        do {
            _ = try GatewayServer(configuration: c, environment: [:])
            Issue.record("started without the key's passphrase")
        } catch {
            #expect(error.component == "keys")
            #expect(error.message.contains(Self.passphraseVariable), "\(error)")
        }
    }

    @Test("A gateway configured with a PKCS#12 key delivers, and the NSW verifies that key's signatures")
    func deliversWithConfiguredKey() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let partners = try await Partners.start()
        defer { partners.stop() }
        var c = partners.configuration(store: directory.path("gw.sqlite"))
        c.certificatesDirectory = directory.path("no-development-pki-here")
        c.security = try load(Self.section()).security
        let server = try GatewayServer(configuration: c, environment: [Self.passphraseVariable: "swgate-test-only"])
        #expect(server.security.systemIdentity.certificate.fingerprintSHA256 == (try Self.fingerprint("gateway.pem")))
        #expect(Set(server.security.partners.keys) == ["NSW-VN", "TH"], "only the configured partners are trusted")
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let run = Task { try await server.run { continuation.yield($0) } }
        var iterator = stream.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let http = HTTPClient.forTest()
        let client = TestClient(base: "http://127.0.0.1:\(port)", client: http)
        let accepted = try await client.submit(try FormDSamples.withReference("VN-TH 26/03/000777"))
        #expect(accepted.status == 202, "\(accepted.text)")
        let id = try #require(accepted.json["id"] as? String)
        let delivered = try await eventually {
            try await client.get("/v1/messages/\(id)").json["status"] as? String == "delivered"
        }
        #expect(delivered)
        #expect(await partners.nsw.state.received.count == 1)
        #expect(await partners.asw.state.received.count == 1)
        run.cancel()
        _ = try? await run.value
        try? await http.shutdown()
    }
}

extension NSWParty {
    fileprivate func with(unitCode: String?) -> NSWParty {
        var copy = self
        copy.unitCode = unitCode
        return copy
    }
}

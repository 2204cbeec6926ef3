import Foundation
import SWGateServer
import SWGateTesting
import Testing

@Suite("Configuration: YAML file, environment, precise errors")
struct ConfigurationTests {
    func load(_ yaml: String, environment: [String: String] = [:]) throws -> GatewayConfiguration {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("swgate.yaml", Array(yaml.utf8))
        return try ConfigurationLoader(environment: environment).load(file: path)
    }

    func error(_ yaml: String, environment: [String: String] = [:]) -> ConfigurationError? {
        do {
            _ = try load(yaml, environment: environment)
            return nil
        } catch let error as ConfigurationError {
            return error
        } catch {
            return nil
        }
    }

    @Test("Embedded defaults: loopback 8080, data/ store, Certificates/, simulator URLs, dev tokens")
    func defaults() throws {
        let c = try ConfigurationLoader(environment: [:]).load(file: nil)
        #expect(c.listen.host == "127.0.0.1" && c.listen.port == 8080)
        #expect(c.storePath == "data/swgate.sqlite")
        #expect(c.certificatesDirectory == "Certificates")
        #expect(c.destinations["nsw"]?.url == "http://127.0.0.1:9101/nsw")
        #expect(c.destinations["asw"]?.url == "http://127.0.0.1:9102/as4")
        #expect(c.destinations["portal"]?.url == "http://127.0.0.1:9103/callback")
        #expect(try PortalAuthenticator(clients: c.clients).authorize(authorization: "Bearer \(DevelopmentToken.submitter)", for: .submit) == "dev-portal")
    }

    @Test("The committed example file loads and equals the defaults it documents")
    func example() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../swgate.example.yaml").standardized.path
        let c = try ConfigurationLoader(environment: [:]).load(file: path)
        #expect(c.listen == GatewayConfiguration().listen)
        #expect(c.destinations == GatewayConfiguration().destinations)
        #expect(c.clients == GatewayConfiguration().clients)
        #expect(c.routingTable == RoutingTable())
        #expect(c.delivery == GatewayConfiguration().delivery)
        #expect(c.shutdownGrace == GatewayConfiguration().shutdownGrace)
        #expect(c.logFormat == GatewayConfiguration().logFormat)
        #expect(c.certificateExpiryWarning == GatewayConfiguration().certificateExpiryWarning)
    }

    @Test("log.format and certificates.expiry_warning: from the file, from the environment, refused when wrong")
    func logFormatAndExpiryWarning() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("c.yaml", Array("log:\n  format: json\ncertificates:\n  expiry_warning: 60d\n".utf8))
        let c = try ConfigurationLoader(environment: [:]).load(file: file)
        #expect(c.logFormat == .json)
        #expect(c.certificateExpiryWarning == .seconds(60 * 86_400))
        let overridden = try ConfigurationLoader(environment: ["SWGATE_LOG_FORMAT": "text", "SWGATE_CERTIFICATE_EXPIRY_WARNING": "14d"]).load(file: file)
        #expect(overridden.logFormat == .text)
        #expect(overridden.certificateExpiryWarning == .seconds(14 * 86_400))
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader(environment: ["SWGATE_LOG_FORMAT": "xml"]).load(file: file) }
        let bad = try directory.write("bad.yaml", Array("log:\n  format: yaml\n".utf8))
        do {
            _ = try ConfigurationLoader(environment: [:]).load(file: bad)
            Issue.record("log.format: yaml was accepted")
        } catch {
            #expect("\(error)".contains("log.format: must be text or json"), "\(error)")
        }
    }

    @Test("File values and then environment overrides apply")
    func overrides() throws {
        let yaml = """
            listen:
              port: 9000
            store:
              path: /tmp/x.sqlite
            destinations:
              nsw:
                url: http://127.0.0.1:7001/nsw
                concurrency: 3
            """
        let c = try load(yaml, environment: ["SWGATE_LISTEN_PORT": "9100", "SWGATE_ASW_URL": "http://127.0.0.1:7002/as4"])
        #expect(c.listen.port == 9100)
        #expect(c.storePath == "/tmp/x.sqlite")
        #expect(c.destinations["nsw"]?.url == "http://127.0.0.1:7001/nsw")
        #expect(c.destinations["nsw"]?.concurrency == 3)
        #expect(c.destinations["nsw"]?.partner == "NSW-VN")
        #expect(c.destinations["asw"]?.url == "http://127.0.0.1:7002/as4")
        #expect(try load("", environment: ["SWGATE_STORE": "s.sqlite"]).storePath == "s.sqlite")
    }

    @Test("Bad YAML names file:line:column")
    func syntax() {
        let e = error("listen:\n  port: [1, 2\n")
        #expect(e?.location.hasSuffix("swgate.yaml:3:1") == true, "\(String(describing: e))")
        #expect(e?.message.hasPrefix("not valid YAML") == true)
    }

    @Test("Unknown key names its line and key path")
    func unknownKey() {
        let e = error("listen:\n  host: 127.0.0.1\n  prot: 8080\n")
        #expect(e?.keyPath == "listen.prot")
        #expect(e?.message == "unknown key")
        #expect(e?.location.hasSuffix("swgate.yaml:3:3") == true, "\(String(describing: e))")
        #expect(error("colour: blue\n")?.keyPath == "colour")
    }

    @Test("Bad values: wrong type, out of range, bad URL, bad hash, bad permission, unknown route destination, bad env")
    func badValues() {
        #expect(error("listen:\n  port: eighty\n")?.description.contains("listen.port: expected an integer, got \"eighty\"") == true)
        #expect(error("listen:\n  port: 70000\n")?.message == "must be 0…65535, got 70000")
        #expect(error("destinations:\n  nsw:\n    url: ftp://x/nsw\n")?.keyPath == "destinations.nsw.url")
        #expect(error("portal:\n  clients:\n    - name: a\n      token_sha256: secret\n")?.keyPath == "portal.clients[0].token_sha256")
        let hash = String(repeating: "a", count: 64)
        #expect(error("portal:\n  clients:\n    - name: a\n      token_sha256: \(hash)\n      permissions: [admin]\n")?.message.contains("admin") == true)
        #expect(error("routes:\n  - source: portal\n    destinations: [mars]\n")?.keyPath == "routes[0].destinations")
        #expect(error("", environment: ["SWGATE_LISTEN_PORT": "x"])?.location == "SWGATE_LISTEN_PORT")
        #expect(error("log_level: chatty\n")?.keyPath == "log_level")
    }

    @Test("TLS settings: read from the file and the environment; key and certificate go together; client CA needs TLS")
    func tlsSettings() throws {
        let configuration = try load("listen:\n  tls_certificate: Certificates/gateway.pem\n  tls_key: Certificates/gateway.key\n  tls_client_ca: Certificates/ca.pem\n")
        #expect(configuration.listen.tlsCertificate == "Certificates/gateway.pem")
        #expect(configuration.listen.tlsKey == "Certificates/gateway.key")
        #expect(configuration.listen.tlsClientCA == "Certificates/ca.pem")
        let fromEnvironment = try load("", environment: ["SWGATE_TLS_CERTIFICATE": "/c.pem", "SWGATE_TLS_KEY": "/k.pem"])
        #expect(fromEnvironment.listen.tlsCertificate == "/c.pem")
        #expect(try load("").listen.tlsCertificate == nil)
        #expect(error("listen:\n  tls_certificate: c.pem\n")?.keyPath == "listen.tls_certificate")
        #expect(error("listen:\n  tls_client_ca: ca.pem\n")?.keyPath == "listen.tls_client_ca")
    }

    @Test("A missing file is an error naming the file")
    func missingFile() {
        do {
            _ = try ConfigurationLoader(environment: [:]).load(file: "/nonexistent/swgate.yaml")
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.location == "/nonexistent/swgate.yaml")
            #expect(error.message.contains("cannot read"))
        }
    }
}

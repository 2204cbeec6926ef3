import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SWGateConsole
import SWGateServer
import SWGateStore
import SWGateTesting
import SWGateXML
import Testing

@Suite("Configuration: durations in one convention, deprecated keys, XML limits")
struct DurationConfigurationTests {
    /// Loads `yaml` from a file named swgate.yaml; returns the configuration and the warnings.
    func load(_ yaml: String) throws -> (GatewayConfiguration, [ConfigurationWarning]) {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("swgate.yaml", Array(yaml.utf8))
        var warnings: [ConfigurationWarning] = []
        let configuration = try ConfigurationLoader(environment: [:]).load(file: path, warnings: &warnings)
        return (configuration, warnings)
    }

    @Test("Durations read as 500ms, 5m, 24h, 30s; the XML limits of the listener are read")
    func newKeys() throws {
        let yaml = """
            listen:
              xml:
                max_bytes: 65536
                max_depth: 12
                max_nodes: 5000
            destinations:
              nsw:
                url: http://127.0.0.1:9101/nsw
                timeout: 45s
                circuit_cool_down: 2m
            delivery:
              initial_backoff: 250ms
              max_backoff: 5m
              max_age: 24h
            shutdown_grace: 10s
            """
        let (c, warnings) = try load(yaml)
        #expect(warnings.isEmpty)
        #expect(c.delivery.initialBackoff == .milliseconds(250))
        #expect(c.delivery.maxBackoff == .seconds(300))
        #expect(c.delivery.maxAge == .seconds(86_400))
        #expect(c.destinations["nsw"]?.timeout == .seconds(45))
        #expect(c.destinations["nsw"]?.circuitCoolDown == .seconds(120))
        #expect(c.destinations["asw"]?.timeout == .seconds(30))
        #expect(c.shutdownGrace == .seconds(10))
        #expect(c.listen.xmlLimits.maxBytes == 65536 && c.listen.xmlLimits.maxDepth == 12 && c.listen.xmlLimits.maxNodes == 5000)
        #expect(try load("shutdown_grace: 0s\n").0.shutdownGrace == .zero)
        let console = try load("console:\n  certificate_warning: 10d\n")
        #expect(console.0.console.certificateWarningDays == 10 && console.1.isEmpty)
    }

    @Test("Deprecated integer keys still work and each yields a warning naming file:line and the new key")
    func deprecatedKeys() throws {
        let yaml = """
            destinations:
              asw:
                url: http://127.0.0.1:9102/as4
                timeout_seconds: 20
                circuit_cool_down_seconds: 90
            delivery:
              max_age_seconds: 3600
              initial_backoff_ms: 500
              max_backoff_seconds: 300
            shutdown_grace_seconds: 30
            """
        let (c, warnings) = try load(yaml)
        #expect(c.destinations["asw"]?.timeout == .seconds(20))
        #expect(c.destinations["asw"]?.circuitCoolDown == .seconds(90))
        #expect(c.delivery.maxAge == .seconds(3600))
        #expect(c.delivery.initialBackoff == .milliseconds(500))
        #expect(c.delivery.maxBackoff == .seconds(300))
        #expect(c.shutdownGrace == .seconds(30))
        #expect(warnings.count == 6)
        let backoff = try #require(warnings.first { $0.keyPath == "delivery.initial_backoff_ms" })
        #expect(backoff.location.hasSuffix("swgate.yaml:8:3"), "\(backoff)")
        #expect(backoff.description.contains("delivery.initial_backoff: 500ms"), "\(backoff)")
        #expect(warnings.contains { $0.description.contains("destinations.asw.circuit_cool_down: 90s") })
        #expect(warnings.contains { $0.description.contains("shutdown_grace: 30s") })
        let console = try load("console:\n  certificate_warning_days: 14\n")
        #expect(console.0.console.certificateWarningDays == 14)
        #expect(console.1.map(\.keyPath) == ["console.certificate_warning_days"])
        #expect(console.1.first?.description.contains("console.certificate_warning: 14d") == true, "\(console.1)")
    }

    @Test("Both spellings of one setting, a bad duration or one out of range is a located error")
    func conflicts() throws {
        func failure(_ yaml: String) -> ConfigurationError? {
            do {
                _ = try load(yaml)
                return nil
            } catch {
                return error as? ConfigurationError
            }
        }
        let both = failure("delivery:\n  initial_backoff: 1s\n  initial_backoff_ms: 500\n")
        #expect(both?.keyPath == "delivery.initial_backoff_ms", "\(String(describing: both))")
        #expect(both?.location.hasSuffix(":3:3") == true)
        #expect(both?.message.contains("keep only delivery.initial_backoff") == true)
        #expect(failure("shutdown_grace_seconds: 5\nshutdown_grace: 5s\n")?.keyPath == "shutdown_grace")
        #expect(failure("delivery:\n  max_backoff: 5 minutes\n")?.message.contains("bad duration") == true)
        #expect(failure("delivery:\n  max_backoff: 2d\n")?.message == "must be 1s…1d, got 2d")
        #expect(failure("listen:\n  xml:\n    max_depth: 1000\n")?.keyPath == "listen.xml.max_depth")
        #expect(failure("listen:\n  xml:\n    depth: 10\n")?.keyPath == "listen.xml.depth")
    }

    @Test("A gateway with a small listen.xml.max_depth refuses over HTTP a document the defaults accept")
    func configuredXMLLimits() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let http = HTTPClient.forTest()
        let deepSOAP = Array(
            """
            <S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><a><b><c><d/></c></b></a></S:Body></S:Envelope>
            """.utf8)
        var answers: [Int: (portal: HTTPResult, nsw: HTTPResult)] = [:]
        for depth in [64, 3] {
            var c = GatewayConfiguration()
            c.listen.port = 0
            c.storePath = directory.path("depth-\(depth).sqlite")
            c.certificatesDirectory = certificatesDirectory
            c.listen.xmlLimits.maxDepth = depth
            let server = try GatewayServer(configuration: c, environment: [:])
            let (port, task) = try await startHost(server.host)
            let client = TestClient(base: "http://127.0.0.1:\(port)", client: http)
            let portal = try await client.submit(try FormDSamples.valid, key: "depth-\(depth)")
            let nsw = try await client.send(.POST, "/nsw", headers: [("Content-Type", "text/xml; charset=utf-8")], body: deepSOAP)
            answers[depth] = (portal, nsw)
            task.cancel()
            _ = try? await task.value
            try await server.store.close()
        }
        try await http.shutdown()
        let accepted = try #require(answers[64])
        let refused = try #require(answers[3])
        #expect(accepted.portal.status == 202, "\(accepted.portal.text)")
        #expect(!accepted.nsw.text.contains("nested deeper"))
        #expect(refused.portal.status != 202)
        #expect(refused.portal.text.contains("nested deeper than the limit of 3 levels"), "\(refused.portal.text)")
        #expect(refused.nsw.text.contains("nested deeper than the limit of 3 levels"), "\(refused.nsw.text)")
    }
}

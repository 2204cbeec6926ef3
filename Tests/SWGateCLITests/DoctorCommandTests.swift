import Foundation
import SWGateAS4
import SWGateChannels
import SWGateHTTP
import SWGateNSW
import SWGateTesting
import Testing

/// Answers every request with 204 (the portal's callback receiver).
struct NoContentEndpoint: Endpoint {
    func handle(_ request: EndpointRequest) async -> EndpointResponse { EndpointResponse(status: 204) }
}

/// Answers every request with `status` and `headers`: a partner endpoint that moved or is missing.
struct FixedAnswerEndpoint: Endpoint {
    var status: Int
    var headers: [String: String] = [:]
    func handle(_ request: EndpointRequest) async -> EndpointResponse { EndpointResponse(status: status, headers: headers) }
}

/// `swgate doctor` against the partner simulators running as real servers on loopback, and against
/// broken setups: an unreachable partner, a key that does not match its certificate, an expired
/// certificate.
@Suite("swgate doctor", .serialized)
struct DoctorCommandTests {
    static let root = SimulateCommandTests.root
    static let certificates = root + "/Certificates"

    /// Partners on free loopback ports: the NSW and ASW simulators and a callback receiver.
    struct Partners {
        var nsw = 0
        var asw = 0
        var portal = 0
        var tasks: [Task<Void, any Error>] = []

        static func start() async throws -> Partners {
            var partners = Partners()
            let nsw = NSWSimulator(security: try SimulatedPartner.nsw.developmentSecurity(certificates: certificates))
            let asw = ASWSimulator(security: try SimulatedPartner.asw.developmentSecurity(certificates: certificates))
            for (endpoint, keyPath) in [(nsw as any Endpoint, \Partners.nsw), (asw, \Partners.asw), (NoContentEndpoint(), \Partners.portal)] {
                let host = EndpointHost(routes: [.init("/", endpoint)])
                let (stream, continuation) = AsyncStream<Int>.makeStream()
                partners.tasks.append(Task { try await host.run { continuation.yield($0) } })
                var iterator = stream.makeAsyncIterator()
                partners[keyPath: keyPath] = try #require(await iterator.next())
            }
            return partners
        }

        func stop() { for task in tasks { task.cancel() } }
    }

    /// Serves `endpoint` on a free loopback port until the task is cancelled.
    static func host(_ endpoint: any Endpoint) async throws -> (port: Int, task: Task<Void, any Error>) {
        let host = EndpointHost(routes: [.init("/", endpoint)])
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let task = Task { try await host.run { continuation.yield($0) } }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next() else {
            task.cancel()
            throw ChildFailure(description: "the loopback partner did not start")
        }
        return (port, task)
    }

    /// A configuration over the development PKI with the partners' ports; `extra` is appended.
    static func configuration(_ directory: TemporaryDirectory, nsw: Int, asw: Int, portal: Int, extra: String = "") throws -> String {
        try directory.write(
            "swgate.yaml",
            Array(
                """
                store:
                  path: \(directory.path("data/swgate.sqlite"))
                certificates:
                  directory: \(certificates)
                destinations:
                  nsw: {url: "http://127.0.0.1:\(nsw)/nsw"}
                  asw: {url: "http://127.0.0.1:\(asw)/as4"}
                  portal: {url: "http://127.0.0.1:\(portal)/callback"}
                \(extra)
                """.utf8))
    }

    /// Runs `swgate`; the child is waited for on a thread of its own, not on the cooperative pool,
    /// on which the in-process partners answer it.
    static func swgate(_ arguments: [String], currentDirectory: String) async throws -> CommandResult {
        try await CommandRunner.swgate(arguments, currentDirectory: currentDirectory)
    }

    static func report(_ result: CommandResult) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any],
            "\(result.standardOutput)\(result.standardError)")
    }

    static func findings(_ report: [String: Any]) -> [[String: String]] {
        (report["findings"] as? [[String: Any]] ?? []).map { $0.compactMapValues { $0 as? String } }
    }

    /// A free loopback port with nothing listening on it.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test("Everything in order: exit 0, every finding ok, the NSW WSDL found, the clocks compared, the store to be created")
    func healthy() async throws {
        let partners = try await Partners.start()
        defer { partners.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try Self.configuration(directory, nsw: partners.nsw, asw: partners.asw, portal: partners.portal)
        let result = try await Self.swgate(["doctor", "--config", file, "--json"], currentDirectory: directory.url.path)
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        let report = try Self.report(result)
        #expect(report["status"] as? String == "ok")
        #expect(report["exitCode"] as? Int == 0)
        let findings = Self.findings(report)
        #expect(findings.allSatisfy { $0["status"] == "ok" }, "\(findings.filter { $0["status"] != "ok" })")
        let checks = Set(findings.compactMap { $0["check"] })
        #expect(checks == ["configuration", "keys", "trust", "certificates", "store", "partner", "clock"])
        #expect(
            findings.contains { $0["check"] == "partner" && $0["subject"]?.hasPrefix("nsw (nsw)") == true && $0["detail"]?.contains("WSDL") == true })
        #expect(findings.filter { $0["check"] == "clock" }.count == 3)
        #expect(findings.contains { $0["check"] == "store" && $0["detail"]?.contains("creates it") == true })
        #expect(!FileManager.default.fileExists(atPath: directory.path("data/swgate.sqlite")), "doctor must not create the store")

        let human = try await Self.swgate(["doctor", "--config", file], currentDirectory: directory.url.path)
        #expect(human.status == 0)
        #expect(human.standardOutput.contains("OK: keys: system key: "))
        #expect(human.standardOutput.contains("0 warnings, 0 failures"), "\(human.standardOutput)")
    }

    @Test("An unreachable partner is a failure (exit 2) naming the destination; the others still pass")
    func unreachablePartner() async throws {
        let partners = try await Partners.start()
        defer { partners.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try Self.configuration(directory, nsw: partners.nsw, asw: try Self.closedPort(), portal: partners.portal)
        let result = try await Self.swgate(["doctor", "--config", file, "--json", "--timeout", "3"], currentDirectory: directory.url.path)
        #expect(result.status == 2, "\(result.standardOutput)\(result.standardError)")
        let report = try Self.report(result)
        #expect(report["status"] as? String == "failure")
        let failures = Self.findings(report).filter { $0["status"] == "failure" }
        #expect(failures.count == 1, "\(failures)")
        #expect(failures.first?["check"] == "partner")
        #expect(failures.first?["subject"]?.hasPrefix("asw (as4)") == true)
        #expect(failures.first?["detail"]?.contains("unreachable") == true, "\(failures)")
        #expect(Self.findings(report).contains { $0["subject"]?.hasPrefix("nsw (nsw)") == true && $0["status"] == "ok" })
    }

    @Test("A partner that redirects is a failure naming the Location (exit 2): the probe follows no redirect, as delivery does")
    func redirectingPartner() async throws {
        let partners = try await Partners.start()
        defer { partners.stop() }
        // The ASW moved: its configured address redirects to the simulator, which answers the GET.
        let moved = "http://127.0.0.1:\(partners.asw)/as4"
        let redirecting = try await Self.host(FixedAnswerEndpoint(status: 301, headers: ["location": moved]))
        defer { redirecting.task.cancel() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try Self.configuration(directory, nsw: partners.nsw, asw: redirecting.port, portal: partners.portal)
        let result = try await Self.swgate(["doctor", "--config", file, "--json"], currentDirectory: directory.url.path)
        #expect(result.status == 2, "\(result.standardOutput)\(result.standardError)")
        let failures = Self.findings(try Self.report(result)).filter { $0["status"] == "failure" }
        #expect(failures.count == 1, "\(failures)")
        let failure = try #require(failures.first)
        #expect(failure["check"] == "partner")
        #expect(failure["subject"] == "asw (as4) http://127.0.0.1:\(redirecting.port)/as4")
        #expect(failure["detail"]?.hasPrefix("HTTP 301 to GET: the destination redirects to \(moved);") == true, "\(failure)")
        #expect(failure["detail"]?.contains("http-redirect") == true, "\(failure)")
    }

    @Test(
        "An AS4 or HTTP partner answering 404 or 410 is a failure (exit 2): nothing at that path, deliveries would fail; an NSW's 404 to ?wsdl only a missing WSDL"
    )
    func missingPath() async throws {
        let partners = try await Partners.start()
        defer { partners.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for status in [404, 410] {
            let missing = try await Self.host(FixedAnswerEndpoint(status: status))
            defer { missing.task.cancel() }
            let file = try Self.configuration(directory, nsw: missing.port, asw: missing.port, portal: partners.portal)
            let result = try await Self.swgate(["doctor", "--config", file, "--json"], currentDirectory: directory.url.path)
            #expect(result.status == 2, "\(status): \(result.standardOutput)\(result.standardError)")
            let findings = Self.findings(try Self.report(result))
            // An NSW may answer ?wsdl so without publishing its WSDL there.
            let nsw = findings.first { $0["check"] == "partner" && $0["subject"]?.hasPrefix("nsw (nsw) ") == true }
            #expect(nsw?["status"] == "warning", "\(status): \(nsw ?? [:])")
            #expect(nsw?["detail"] == "answers, but HTTP \(status) and no WSDL at ?wsdl", "\(status): \(nsw ?? [:])")
            let failures = findings.filter { $0["status"] == "failure" }
            #expect(failures.count == 1, "\(status): \(failures)")
            #expect(failures.first?["check"] == "partner")
            #expect(failures.first?["subject"]?.hasPrefix("asw (as4) ") == true, "\(failures)")
            #expect(failures.first?["detail"]?.hasPrefix("HTTP \(status) to GET: nothing at this path") == true, "\(failures)")
        }
    }

    @Test("A key that does not match its certificate is a failure naming the key (exit 2)")
    func keyNotMatchingCertificate() async throws {
        let partners = try await Partners.start()
        defer { partners.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try Self.configuration(
            directory, nsw: partners.nsw, asw: partners.asw, portal: partners.portal, extra: Self.security(key: "gateway.key", certificate: "nsw.pem")
        )
        let result = try await Self.swgate(["doctor", "--config", file, "--json"], currentDirectory: directory.url.path)
        #expect(result.status == 2, "\(result.standardOutput)\(result.standardError)")
        let failures = Self.findings(try Self.report(result)).filter { $0["status"] == "failure" }
        #expect(failures.contains { $0["check"] == "keys" && $0["subject"] == "system key" }, "\(failures)")
        // The rest of the deployment is still examined.
        #expect(Self.findings(try Self.report(result)).contains { $0["check"] == "partner" && $0["status"] == "ok" })
    }

    @Test("An expired signing certificate is a failure (exit 2); one expiring within --days only a warning (exit 1)")
    func expiredCertificate() async throws {
        let partners = try await Partners.start()
        defer { partners.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let expired = try Self.configuration(
            directory, nsw: partners.nsw, asw: partners.asw, portal: partners.portal,
            extra: Self.security(key: "expired.key", certificate: "expired.pem"))
        let result = try await Self.swgate(["doctor", "--config", expired, "--json"], currentDirectory: directory.url.path)
        #expect(result.status == 2, "\(result.standardOutput)\(result.standardError)")
        let failures = Self.findings(try Self.report(result)).filter { $0["status"] == "failure" }
        #expect(
            failures.contains {
                $0["check"] == "certificates" && $0["subject"]?.hasPrefix("system key: ") == true
                    && $0["subject"]?.contains("CN=expired.swgate.test") == true
            }, "\(failures)")
        #expect(failures.allSatisfy { $0["check"] == "certificates" }, "\(failures)")

        // The development certificates expire in 2036: 5,000 days ahead makes them warnings.
        let healthy = try Self.configuration(directory, nsw: partners.nsw, asw: partners.asw, portal: partners.portal)
        let warned = try await Self.swgate(["doctor", "--config", healthy, "--json", "--days", "5000"], currentDirectory: directory.url.path)
        #expect(warned.status == 1, "\(warned.standardOutput)\(warned.standardError)")
        let report = try Self.report(warned)
        #expect(report["status"] as? String == "warning")
        #expect(
            Self.findings(report).contains {
                $0["check"] == "certificates" && $0["status"] == "warning" && $0["detail"]?.contains("expires in") == true
            })
    }

    @Test("A partner's clock beyond security.clock_skew is a failure naming the skew (exit 2); within it a warning (exit 1)")
    func partnerClock() async throws {
        let partners = try await Partners.start()
        defer { partners.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let far = try SkewedClockServer(skew: 600)
        defer { far.stop() }
        let file = try Self.configuration(directory, nsw: partners.nsw, asw: partners.asw, portal: far.port)
        let result = try await Self.swgate(["doctor", "--config", file, "--json"], currentDirectory: directory.url.path)
        #expect(result.status == 2, "\(result.standardOutput)\(result.standardError)")
        let failures = Self.findings(try Self.report(result)).filter { $0["status"] == "failure" }
        #expect(failures.count == 1, "\(failures)")
        let clock = try #require(failures.first)
        #expect(clock["check"] == "clock")
        #expect(clock["subject"]?.hasPrefix("portal (http)") == true)
        let seconds = clock["detail"]?.firstMatch(of: /is (\d+) s ahead of the local clock/).flatMap { Int($0.1) }
        #expect(seconds.map { (595...605).contains($0) } == true, "\(clock)")
        #expect(clock["detail"]?.contains("tolerance 300 s") == true)

        let near = try SkewedClockServer(skew: -60)
        defer { near.stop() }
        let nearFile = try Self.configuration(directory, nsw: partners.nsw, asw: partners.asw, portal: near.port)
        let warned = try await Self.swgate(["doctor", "--config", nearFile, "--json"], currentDirectory: directory.url.path)
        #expect(warned.status == 1, "\(warned.standardOutput)\(warned.standardError)")
        let warnings = Self.findings(try Self.report(warned)).filter { $0["status"] == "warning" }
        #expect(warnings.count == 1 && warnings.first?["check"] == "clock", "\(warnings)")
        #expect(warnings.first?["detail"]?.contains("s behind the local clock") == true)
    }

    @Test("A PostgreSQL store: without the schema a failure naming it; once migrated, reachable and writable (exit 0 with the partners up)")
    func postgresStore() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let database = try await cluster.createDatabase()
        let url = cluster.url(database)
        let partners = try await Partners.start()
        defer { partners.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write(
            "pg.yaml",
            Array(
                """
                store: {kind: postgres, url: "\(url)", pool: 2}
                certificates: {directory: \(Self.certificates)}
                destinations:
                  nsw: {url: "http://127.0.0.1:\(partners.nsw)/nsw"}
                  asw: {url: "http://127.0.0.1:\(partners.asw)/as4"}
                  portal: {url: "http://127.0.0.1:\(partners.portal)/callback"}

                """.utf8))
        let unmigrated = try await Self.swgate(["doctor", "--config", file, "--json"], currentDirectory: directory.url.path)
        #expect(unmigrated.status == 2, "\(unmigrated.standardOutput)\(unmigrated.standardError)")
        let failed = try #require(Self.findings(try Self.report(unmigrated)).first { $0["check"] == "store" })
        #expect(failed["status"] == "failure")
        #expect(failed["subject"]?.hasPrefix("postgres ") == true)
        #expect(failed["detail"]?.contains("schema") == true, "\(failed)")
        // Doctor migrates nothing.
        #expect(try await cluster.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", database: database) == "0")

        let sent = try await Self.swgate(
            ["send", Fixtures.url("valid/formd-single-item.xml").path, "--to", "nsw", "--store", url], currentDirectory: directory.url.path)
        #expect(sent.status == 0, "\(sent.standardError)")
        let ready = try await Self.swgate(["doctor", "--config", file, "--json"], currentDirectory: directory.url.path)
        #expect(ready.status == 0, "\(ready.standardOutput)\(ready.standardError)")
        let store = try #require(Self.findings(try Self.report(ready)).first { $0["check"] == "store" })
        #expect(store["status"] == "ok")
        #expect(store["detail"] == "reachable, schema current, writable")
    }

    @Test("An https partner whose certificate this host does not trust fails the TLS check (exit 2), as delivery would")
    func untrustedTLSPartner() async throws {
        let partners = try await Partners.start()
        defer { partners.stop() }
        let tls = try ListenerTLS(certificateChainPath: Self.certificates + "/gateway.pem", privateKeyPath: Self.certificates + "/gateway.key")
            .configuration()
        let host = EndpointHost(routes: [.init("/", NoContentEndpoint())], tls: tls)
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let task = Task { try await host.run { continuation.yield($0) } }
        defer { task.cancel() }
        var iterator = stream.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try Self.configuration(directory, nsw: partners.nsw, asw: partners.asw, portal: partners.portal)
        let text = try String(contentsOfFile: file, encoding: .utf8)
            .replacingOccurrences(of: "http://127.0.0.1:\(partners.asw)/as4", with: "https://127.0.0.1:\(port)/as4")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await Self.swgate(["doctor", "--config", file, "--json"], currentDirectory: directory.url.path)
        #expect(result.status == 2, "\(result.standardOutput)\(result.standardError)")
        let failures = Self.findings(try Self.report(result)).filter { $0["status"] == "failure" }
        #expect(failures.count == 1, "\(failures)")
        #expect(failures.first?["subject"]?.hasPrefix("asw (as4) https://127.0.0.1:") == true)
        #expect(failures.first?["detail"]?.hasPrefix("TLS handshake failed") == true, "\(failures)")
    }

    @Test("A configuration that does not load is a failure (exit 2) with the located error, and nothing else is checked")
    func brokenConfiguration() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("bad.yaml", Array("listen:\n  prot: 1\n".utf8))
        let result = try await Self.swgate(["doctor", "--config", file, "--json"], currentDirectory: directory.url.path)
        #expect(result.status == 2)
        let findings = Self.findings(try Self.report(result))
        #expect(findings.count == 1)
        #expect(findings.first?["check"] == "configuration")
        #expect(findings.first?["detail"]?.contains("listen.prot: unknown key") == true, "\(findings)")
    }

    /// A `security` section over the development PKI with `key`/`certificate` as the system key.
    static func security(key: String, certificate: String) -> String {
        let d = certificates
        return """
            security:
              system_key: {key: \(d)/\(key), certificate: \(d)/\(certificate)}
              trust_anchors: [\(d)/ca.pem]
              crls: [\(d)/crl.pem]
              local_party: {name: Ministry of Industry and Trade, identity: MOIT-VN, country_code: VN, ministry_code: MOIT, organization_code: XNK}
              nsw_party: {name: National Single Window, identity: NSW-VN, country_code: VN, ministry_code: MOF, organization_code: GDVC}
              partners:
                - {id: NSW-VN, certificate_files: [\(d)/nsw.pem]}
                - {id: TH, certificate_files: [\(d)/asw.pem]}
            """
    }
}

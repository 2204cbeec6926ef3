import Foundation
import SWGateTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Several `swgate serve` processes on one PostgreSQL database, one of them killed with SIGKILL
/// while certificates are submitted and delivered.
@Suite("Several swgate serve processes on one database, one killed", .serialized)
struct GatewayKillTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    private func configuration(url: String, owner: String, nsw: Int, asw: Int, directory: TemporaryDirectory) throws -> String {
        let text = """
            listen:
              port: 0
            store:
              kind: postgres
              url: \(url)
              pool: 4
            certificates:
              directory: \(Self.root)/Certificates
            destinations:
              nsw:
                url: http://127.0.0.1:\(nsw)/nsw
              asw:
                url: http://127.0.0.1:\(asw)/as4
              portal:
                url: http://127.0.0.1:1/callback
            delivery:
              owner: \(owner)
              lease: 3s
              lease_reap_interval: 1s
              initial_backoff_ms: 100
              max_backoff_seconds: 1
            log_level: error
            """
        return try directory.write("\(owner).yaml", Array(text.utf8))
    }

    /// POSTs a Form D with `reference` to `port`; the HTTP status, or nil when nothing answered.
    private func submit(_ reference: String, port: Int) async -> Int? {
        guard let fixture = try? Fixtures.text("valid/formd-single-item.xml") else { return nil }
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/certificates")!)
        request.httpMethod = "POST"
        request.setValue("Bearer swgate-dev-token", forHTTPHeaderField: "Authorization")
        request.setValue("application/xml", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(fixture.replacingOccurrences(of: "VN-TH 26/03/000123", with: reference).utf8)
        request.timeoutInterval = 20
        guard let (_, response) = try? await URLSession.shared.data(for: request) else { return nil }
        return (response as? HTTPURLResponse)?.statusCode
    }

    @Test("Every certificate answered 202 is delivered to both partners once the survivors take over; the audit chain verifies")
    func killOneOfThree() async throws {
        let cluster = try PostgresTestCluster.shared()
        let database = try cluster.createDatabase()
        let url = cluster.url(database)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = ["SWGATE_HOME": Self.root]
        let nsw = try await ChildProcess(["simulate", "nsw", "--port", "0"], environment: home)
        defer { nsw.stop() }
        let asw = try await ChildProcess(["simulate", "asw", "--port", "0"], environment: home)
        defer { asw.stop() }
        var gateways: [ChildProcess] = []
        defer { for gateway in gateways { gateway.kill() } }
        for owner in ["gw-1", "gw-2", "gw-3"] {
            let config = try configuration(url: url, owner: owner, nsw: nsw.port, asw: asw.port, directory: directory)
            gateways.append(try await ChildProcess(["serve", "--config", config], environment: home))
        }

        // Submissions go round-robin; gw-1 is killed halfway, and what it no longer answers goes to
        // the next instance, as a load balancer would retry it.
        var accepted: [String] = []
        for index in 0..<30 {
            if index == 15 { gateways[0].kill() }
            let reference = "VN-TH 26/03/0009\(String(format: "%02d", index))"
            var status: Int?
            for attempt in 0..<3 where status != 202 {
                let gateway = gateways[(index + attempt) % 3]
                status = await submit(reference, port: gateway.port)
            }
            #expect(status == 202, "\(reference): \(status.map(String.init) ?? "no answer")")
            if status == 202 { accepted.append(reference) }
        }

        let deadline = Date().addingTimeInterval(90)
        var undelivered = "?"
        while Date() < deadline {
            undelivered = try cluster.sql(
                "SELECT count(*) FROM delivery WHERE destination IN ('nsw', 'asw') AND state <> 'delivered'", database: database)
            if undelivered == "0" { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(undelivered == "0", "deliveries to the partners still not delivered: \(undelivered)")
        let stored = try cluster.sql("SELECT count(*) FROM message WHERE source = 'portal'", database: database)
        #expect(stored == String(accepted.count), "\(accepted.count) answered 202, \(stored) stored")
        let delivered = try cluster.sql(
            "SELECT count(*) FROM delivery WHERE destination IN ('nsw', 'asw') AND state = 'delivered'", database: database)
        #expect(delivered == String(accepted.count * 2))
        // Every delivery made by a survivor or by gw-1 before it died; none claimed twice under a
        // live lease: each `sending` entry of a delivery follows its previous lease's end.
        let overlapping = try cluster.sql(
            """
            SELECT count(*) FROM (
              SELECT message_id, destination, event,
                     lag(event) OVER (PARTITION BY message_id, destination ORDER BY seq) AS previous
              FROM audit_log WHERE destination IN ('nsw', 'asw') AND event <> 'signed') AS history
            WHERE event = 'sending' AND previous = 'sending'
            """, database: database)
        #expect(overlapping == "0", "a delivery was claimed again while its lease lived")
        let verify = try CommandRunner.swgate(["audit", "verify", "--store", url])
        #expect(verify.status == 0, "\(verify.standardOutput) \(verify.standardError)")
    }
}

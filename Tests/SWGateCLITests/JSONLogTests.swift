import Foundation
import SWGateTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `log.format: json` on a real `swgate serve` run: one JSON object per line, intake and delivery
/// records correlated by message id and conversation, and no credential anywhere in the log.
@Suite("JSON log lines of a real gateway run", .serialized)
struct JSONLogTests {
    static let token = "swgate-dev-token"
    static let wrongToken = "not-a-real-token-5f1c9a"

    private func request(_ method: String, _ url: String, token: String, body: Data? = nil) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.setValue("application/xml", forHTTPHeaderField: "Content-Type")
            request.httpBody = body
        }
        request.timeoutInterval = 20
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    @Test(
        "Intake and delivery log lines are JSON objects with time, level, label, message and message_id/conversation metadata; the portal token never appears"
    )
    func jsonLinesWithoutSecrets() async throws {
        let partners = try await DoctorCommandTests.Partners.start()
        defer { partners.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write(
            "swgate.yaml",
            Array(
                """
                listen: {port: 0}
                store: {path: \(directory.path("gw.sqlite"))}
                certificates: {directory: \(DoctorCommandTests.certificates)}
                destinations:
                  nsw: {url: "http://127.0.0.1:\(partners.nsw)/nsw"}
                  asw: {url: "http://127.0.0.1:\(partners.asw)/as4"}
                  portal: {url: "http://127.0.0.1:\(partners.portal)/callback"}
                log: {format: json}
                log_level: debug

                """.utf8))
        let log = directory.path("gateway.log")
        let gateway = try await ChildProcess(["serve", "--config", file], standardError: log)
        var stopped = false
        defer { if !stopped { gateway.kill() } }
        let base = "http://127.0.0.1:\(gateway.port)"
        let document = Data(
            try Fixtures.text("valid/formd-single-item.xml").replacingOccurrences(of: "VN-TH 26/03/000123", with: "VN-TH 26/03/000777").utf8)
        let (refused, _) = try await request("POST", base + "/v1/certificates", token: Self.wrongToken, body: document)
        #expect(refused == 401)
        let (status, accepted) = try await request("POST", base + "/v1/certificates", token: Self.token, body: document)
        #expect(status == 202)
        let id = try #require(accepted["id"] as? String)
        var delivered = false
        for _ in 0..<300 where !delivered {
            let (_, view) = try await request("GET", base + "/v1/messages/\(id)", token: Self.token)
            delivered = view["status"] as? String == "delivered"
            if !delivered { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(delivered)
        gateway.stop()
        stopped = true

        let text = try String(contentsOfFile: log, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count >= 3, "\(text)")
        var records: [[String: Any]] = []
        for line in lines {
            let object = try #require(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
            for key in ["time", "level", "label", "message"] { #expect(object[key] is String, "\(key) missing in \(line)") }
            records.append(object)
        }
        func metadata(_ record: [String: Any]) -> [String: String] {
            (record["metadata"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
        }
        let ours = records.filter { metadata($0)["message_id"] == id }
        let intake = ours.first { $0["message"] as? String == "document accepted" }
        #expect(intake.map { metadata($0)["conversation"] } == "VN-TH 26/03/000777", "\(ours)")
        let deliveries = ours.filter { $0["message"] as? String == "delivered" }
        #expect(Set(deliveries.compactMap { metadata($0)["destination"] }) == ["nsw", "asw"], "\(ours)")
        #expect(deliveries.allSatisfy { metadata($0)["conversation"] == "VN-TH 26/03/000777" })
        #expect(records.allSatisfy { ($0["time"] as? String)?.hasSuffix("Z") == true })
        // No credential in any form: the tokens, their Authorization header, a private key.
        for secret in [Self.token, Self.wrongToken, "Bearer " + Self.token, "PRIVATE KEY"] {
            #expect(!text.contains(secret), "the log contains \(secret)")
        }
    }
}

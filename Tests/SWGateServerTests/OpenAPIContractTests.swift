import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SWGateServer
import SWGateTesting
import Testing

/// The published contract of the portal API (docs/openapi.json): served by the gateway at
/// `GET /v1/openapi.json`, and checked against a running gateway by schemathesis, an independent
/// OpenAPI test generator (PyPI; `.ci/run` installs it): no 5xx, every status, content type,
/// header and body as documented, schema-violating input refused, no operation open without
/// credentials, and the hostile bodies the document gives as examples refused with the problems
/// it documents for them (scripts/schemathesis/documented_refusals.py).
@Suite("OpenAPI contract of the portal API")
struct OpenAPIContractTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path

    /// Runs a gateway on 127.0.0.1 (development keys and token, a fresh store; partners not running,
    /// so deliveries fail and retry in the background) and hands `body` its base URL.
    static func withGateway(_ body: (String) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var c = GatewayConfiguration()
        c.listen.port = 0
        c.storePath = directory.path("gw.sqlite")
        c.certificatesDirectory = certificatesDirectory
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
            try await body("http://127.0.0.1:\(port)")
        } catch {
            run.cancel()
            _ = try? await run.value
            throw error
        }
        run.cancel()
        _ = try? await run.value
    }

    @Test("GET /v1/openapi.json serves docs/openapi.json without credentials, as OpenAPI 3.1")
    func servedDocumentIsTheCommittedOne() async throws {
        let committed = try Data(contentsOf: URL(fileURLWithPath: Self.repository + "/docs/openapi.json"))
        try await Self.withGateway { base in
            let client = TestClient(base: base, client: .shared)
            let served = try await client.send(.GET, "/v1/openapi.json")
            #expect(served.status == 200)
            #expect(served.headers["content-type"] == "application/json")
            #expect(Data(served.body) == committed, "the served document differs from docs/openapi.json: run scripts/embed-openapi.sh")
            let document = try #require(try JSONSerialization.jsonObject(with: committed) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: Any])
            for path in ["/v1/documents", "/v1/certificates", "/v1/messages", "/v1/messages/{id}", "/v1/openapi.json"] {
                #expect(paths[path] != nil, "\(path) is not described")
            }
            #expect(try await client.send(.POST, "/v1/openapi.json").status == 405)
        }
    }

    /// Where schemathesis is: its CLI module under the `python3` on PATH.
    static func schemathesisAvailable() async -> Bool {
        (try? await CommandRunner.run("/usr/bin/env", ["python3", "-c", "import schemathesis.cli"], timeout: 60))?.status == 0
    }

    /// Runs a child process, waited for on its own thread (the gateway answers it in this process).
    static func runOffPool(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval) async throws -> CommandResult {
        try await CommandRunner.run("/usr/bin/env", arguments, environment: environment, timeout: timeout)
    }

    /// What schemathesis checks on every answer; `documented_refusals` is the project's own check.
    static let checks = [
        "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance",
        "response_schema_conformance", "negative_data_rejection", "ignored_auth", "documented_refusals",
    ].joined(separator: ",")

    /// The hostile bodies docs/openapi.json documents for both submitting operations, each with the
    /// problem it is refused with.
    static let hostileExamples = ["doctype", "entityExpansion", "notWellFormed", "tooDeep"]

    @Test("schemathesis finds no disagreement between the gateway and its OpenAPI document")
    func schemathesisAgrees() async throws {
        guard await Self.schemathesisAvailable() else {
            Issue.record("schemathesis is not installed for python3: run `python3 -m pip install schemathesis` (.ci/run installs it)")
            return
        }
        let reports = try TemporaryDirectory()
        defer { reports.remove() }
        try await Self.withGateway { base in
            // Messages in the store, so the listings schemathesis reads have items to check against
            // the document (its generated XML bodies are refused as invalid documents).
            let client = TestClient(base: base, client: .shared)
            for reference in ["VN-TH 26/03/000711", "VN-TH 26/03/000712"] {
                let accepted = try await client.submit(try FormDSamples.withReference(reference))
                #expect(accepted.status == 202, "\(accepted.text)")
            }
            let checked = reports.path("documented-refusals.txt")
            let result = try await Self.runOffPool(
                [
                    "python3", "-m", "schemathesis.cli", "run", base + "/v1/openapi.json", "--url", base,
                    "--checks", Self.checks,
                    "--header", "Authorization: Bearer \(DevelopmentToken.submitter)",
                    "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", "40", "--seed", "20261205", "--workers", "2",
                    "--request-timeout", "20", "--no-color", "--suppress-health-check", "all",
                    "--generation-database", "none", "--report-dir", reports.path("schemathesis"),
                ],
                environment: [
                    "SCHEMATHESIS_HOOKS": Self.repository + "/scripts/schemathesis/documented_refusals.py",
                    "SWGATE_DOCUMENTED_REFUSALS_REPORT": checked,
                ], timeout: 600)
            let output = result.standardOutput + result.standardError
            #expect(result.status == 0, "schemathesis exit \(result.status):\n\(output.suffix(12000))")
            // It tested every operation of the document, not an empty schema.
            #expect(output.contains("Selected: 7/7") && output.contains("Tested: 7"), "\(output.suffix(4000))")
            // Every hostile example was sent to both submitting operations and refused as documented.
            let pairs = Set((try? String(contentsOfFile: checked, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? [])
            let expected = Set(["submitDocument", "submitCertificate"].flatMap { operation in Self.hostileExamples.map { "\(operation) \($0)" } })
            #expect(pairs == expected, "checked: \(pairs.sorted()), expected: \(expected.sorted())\n\(output.suffix(4000))")
        }
    }
}

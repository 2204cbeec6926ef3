import Foundation
import SWGateTesting
import Testing

@Suite("swgate validate")
struct ValidateCommandTests {
    @Test("Valid documents: exit 0 and nothing on standard output")
    func validDocuments() async throws {
        let files = Fixtures.xmlFiles(in: "valid").map { Fixtures.url("valid/\($0)").path }
        let result = try await CommandRunner.swgate(["validate"] + files)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError.contains("\(files.count) files checked, 0 invalid"))
    }

    @Test("Invalid document: exit 1 and one file:line:col: rule: message line per failure")
    func invalidDocument() async throws {
        let path = Fixtures.url("invalid/FD-RVC-FOB.xml").path
        let result = try await CommandRunner.swgate(["validate", path])
        #expect(result.status == 1)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("\(path):35:5: FD-RVC-FOB: origin criterion RVC requires the FOB value") == true, "\(lines)")
    }

    @Test("Several files: every problem of every file, exit 1")
    func severalFiles() async throws {
        let names = ["valid/formd-single-item.xml", "invalid/XSD.xml", "invalid/FD-HS-CODE.xml", "hostile/billion-laughs.xml"]
        let result = try await CommandRunner.swgate(["validate"] + names.map { Fixtures.url($0).path })
        #expect(result.status == 1)
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].contains(": XSD: "))
        #expect(lines[1].contains(": FD-HS-CODE: "))
        #expect(lines[2].contains("billion-laughs.xml:2:16: XML-DTD-FORBIDDEN: "))
        #expect(result.standardError.contains("4 files checked, 3 invalid, 3 problems"))
    }

    @Test("--json reports kind, validity and located issues per file")
    func jsonOutput() async throws {
        let valid = Fixtures.url("valid/nsw-envelope-formd.xml").path
        let invalid = Fixtures.url("invalid/ENV-REFERENCE.xml").path
        let result = try await CommandRunner.swgate(["validate", "--json", valid, invalid])
        #expect(result.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        #expect(object?["valid"] as? Bool == false)
        let files = try #require(object?["files"] as? [[String: Any]])
        #expect(files.count == 2)
        #expect(files[0]["kind"] as? String == "nsw-envelope")
        #expect(files[0]["valid"] as? Bool == true)
        let issues = try #require(files[1]["issues"] as? [[String: Any]])
        #expect(issues.first?["rule"] as? String == "ENV-REFERENCE")
        #expect(issues.first?["line"] as? Int == 27)
        #expect(issues.first?["column"] as? Int == 7)
        #expect(issues.first?["path"] as? String == "/Envelope/Header/Subject/reference")
    }

    @Test("A missing file or a bad option is a usage error: exit 2")
    func usageErrors() async throws {
        let missing = try await CommandRunner.swgate(["validate", "/nonexistent/formd.xml"])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("cannot read /nonexistent/formd.xml: no such file"))

        let directory = try await CommandRunner.swgate(["validate", NSTemporaryDirectory()])
        #expect(directory.status == 2)

        let badDate = try await CommandRunner.swgate(["validate", "--today", "tomorrow", Fixtures.url("valid/formd-single-item.xml").path])
        #expect(badDate.status == 2)
        #expect(badDate.standardError.contains("--today"))

        let noFiles = try await CommandRunner.swgate(["validate"])
        #expect(noFiles.status == 2)
    }

    @Test("An oversized file is refused without being read; limits are configurable")
    func limits() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("big.xml")
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 50 * 1024 * 1024)  // sparse: 50 MB that cost no disk
        try handle.close()
        let big = try await CommandRunner.swgate(["validate", path])
        #expect(big.status == 1)
        #expect(big.standardOutput.contains("XML-TOO-LARGE: document is 52428800 bytes; the limit is 10485760 bytes"))

        let single = Fixtures.url("valid/formd-single-item.xml").path
        let small = try await CommandRunner.swgate(["validate", "--max-bytes", "1000", single])
        #expect(small.status == 1)
        #expect(small.standardOutput.contains("XML-TOO-LARGE"))
        let shallow = try await CommandRunner.swgate(["validate", "--max-depth", "2", single])
        #expect(shallow.standardOutput.contains("XML-TOO-DEEP"))
    }

    @Test("--config: the configuration's listen.xml limits apply; --max-depth overrides them")
    func limitsFromConfiguration() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write("swgate.yaml", Array("listen:\n  xml:\n    max_depth: 3\n".utf8))
        let single = Fixtures.url("valid/formd-single-item.xml").path
        let shallow = try await CommandRunner.swgate(["validate", "--config", config, single])
        #expect(shallow.status == 1)
        #expect(shallow.standardOutput.contains("XML-TOO-DEEP"), "\(shallow.standardOutput)\(shallow.standardError)")
        #expect(try await CommandRunner.swgate(["validate", "--config", config, "--max-depth", "64", single]).status == 0)
        #expect(try await CommandRunner.swgate(["validate", "--config", directory.path("none.yaml"), single]).status == 2)
    }

    @Test("--today moves the judgement day")
    func today() async throws {
        let single = Fixtures.url("valid/formd-single-item.xml").path
        let early = try await CommandRunner.swgate(["validate", "--today", "2026-01-01", single])
        #expect(early.status == 1)
        #expect(early.standardOutput.contains("FD-DATE-FUTURE"))
    }

    @Test("An envelope produced by swgate sign passes swgate validate (schema, envelope and Form D rules)")
    func signedEnvelopeValidates() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for fixture in ["valid/formd-single-item.xml", "valid/formd-amendment.xml", "valid/formd-multi-item-all-criteria.xml"] {
            let out = directory.path("signed.xml")
            let signed = try await CommandRunner.swgate(["sign", Fixtures.url(fixture).path, "--out", out], currentDirectory: repository.path)
            #expect(signed.status == 0, "\(signed.standardError)")
            let validated = try await CommandRunner.swgate(["validate", out])
            #expect(validated.status == 0, "\(fixture): \(validated.standardOutput)")
        }
    }
}

import Foundation
import SWGateTesting
import Testing

/// The operator commands find the store the way `swgate serve` does: `--config FILE` (its
/// `store.path`), the `SWGATE_STORE` override, and `--store` over both.
@Suite("Commands read the store from --config, as serve does")
struct StoreFromConfigurationTests {
    /// The id `swgate send` printed (`queued ID (message id …) for …`).
    func queuedID(_ result: CommandResult) throws -> String {
        let words = result.standardOutput.split(separator: " ")
        try #require(words.count > 1 && words[0] == "queued", "\(result.standardOutput)\(result.standardError)")
        return String(words[1])
    }

    @Test("send, outbox list/stats and audit verify use the configuration's store; --store and SWGATE_STORE override it")
    func storeFromConfiguration() async throws {
        let work = try TemporaryDirectory(prefix: "swgate-cwd")
        let elsewhere = try TemporaryDirectory(prefix: "swgate-state")
        defer {
            work.remove()
            elsewhere.remove()
        }
        let store = elsewhere.path("state/outbox.sqlite")
        let config = try elsewhere.write("swgate.yaml", Array("store:\n  path: \(store)\n".utf8))
        let formD = Fixtures.url("valid/formd-single-item.xml").path
        let cwd = work.url.path

        let sent = try await CommandRunner.swgate(["send", formD, "--to", "nsw", "--config", config], currentDirectory: cwd)
        #expect(sent.status == 0, "\(sent.standardError)")
        let id = try queuedID(sent)
        #expect(FileManager.default.fileExists(atPath: store))
        #expect(try FileManager.default.contentsOfDirectory(atPath: cwd).isEmpty, "nothing is created in the working directory")

        let list = try await CommandRunner.swgate(["outbox", "list", "--config", config], currentDirectory: cwd)
        #expect(list.status == 0, "\(list.standardError)")
        #expect(list.standardOutput.contains(id))
        let stats = try await CommandRunner.swgate(["outbox", "stats", "--config", config, "--json"], currentDirectory: cwd)
        #expect(stats.status == 0, "\(stats.standardError)")
        let figures = try JSONSerialization.jsonObject(with: Data(stats.standardOutput.utf8)) as? [String: Any]
        #expect(figures?["messages"] as? Int == 1)
        let audit = try await CommandRunner.swgate(["audit", "verify", "--config", config], currentDirectory: cwd)
        #expect(audit.status == 0, "\(audit.standardOutput)\(audit.standardError)")
        #expect(audit.standardOutput.contains("audit log intact"))

        // --store wins over the configuration.
        let other = elsewhere.path("other.sqlite")
        let otherID = try queuedID(
            try await CommandRunner.swgate(["send", formD, "--to", "asw", "--config", config, "--store", other], currentDirectory: cwd))
        let listOther = try await CommandRunner.swgate(["outbox", "list", "--config", config, "--store", other], currentDirectory: cwd)
        #expect(listOther.standardOutput.contains(otherID) && !listOther.standardOutput.contains(id))
        // SWGATE_STORE overrides the file, as it does for serve.
        let fromEnvironment = try await CommandRunner.swgate(
            ["outbox", "list", "--config", config], environment: ["SWGATE_STORE": other], currentDirectory: cwd)
        #expect(fromEnvironment.standardOutput.contains(otherID) && !fromEnvironment.standardOutput.contains(id))

        // A relative store.path is resolved against the working directory, as serve resolves it.
        let relative = try elsewhere.write("relative.yaml", Array("store:\n  path: stores/r.sqlite\n".utf8))
        let relativeSent = try await CommandRunner.swgate(["send", formD, "--to", "portal", "--config", relative], currentDirectory: cwd)
        #expect(relativeSent.status == 0, "\(relativeSent.standardError)")
        #expect(FileManager.default.fileExists(atPath: work.path("stores/r.sqlite")))

        // A configuration that cannot be read is a usage error naming it.
        let missing = try await CommandRunner.swgate(["outbox", "stats", "--config", elsewhere.path("none.yaml")], currentDirectory: cwd)
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("none.yaml"))
    }

    @Test("Every command that reads --config prints its deprecation warnings, as serve does")
    func deprecationWarnings() async throws {
        let directory = try TemporaryDirectory(prefix: "swgate-old-config")
        defer { directory.remove() }
        let config = try directory.write(
            "old.yaml", Array("store:\n  path: \(directory.path("outbox.sqlite"))\ndelivery:\n  initial_backoff_ms: 500\n".utf8))
        let formD = Fixtures.url("valid/formd-single-item.xml").path
        for arguments in [["send", formD, "--to", "nsw"], ["outbox", "stats"], ["audit", "verify"], ["validate", formD], ["sign", formD]] {
            let result = try await CommandRunner.swgate(arguments + ["--config", config])
            #expect(result.standardError.contains("old.yaml:4:3: delivery.initial_backoff_ms"), "\(arguments): \(result.standardError)")
            #expect(result.standardError.contains("write delivery.initial_backoff: 500ms"), "\(arguments): \(result.standardError)")
        }
    }

    @Test("swgate --version prints the version and exits 0")
    func version() async throws {
        let result = try await CommandRunner.swgate(["--version"])
        #expect(result.status == 0)
        let version = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(version.split(separator: ".").count == 3 && version.allSatisfy { $0.isNumber || $0 == "." }, "\(version)")
    }
}

import Foundation
import SWGateTesting
import Testing

/// The operator commands and `serve` against PostgreSQL (`--store postgres://…`, `store.kind`).
@Suite("swgate commands on a PostgreSQL store")
struct PostgresCommandTests {
    @Test("send, outbox list/stats and audit verify work on PostgreSQL; a tampered chain exits 1")
    func operatorCommands() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let database = try await cluster.createDatabase()
        let url = cluster.url(database)
        let valid = Fixtures.url("valid/formd-single-item.xml").path
        let sent = try await CommandRunner.swgate(["send", valid, "--to", "nsw", "--store", url])
        #expect(sent.status == 0, "\(sent.standardError)")
        #expect(sent.standardOutput.contains("queued"))
        let list = try await CommandRunner.swgate(["outbox", "list", "--store", url])
        #expect(list.status == 0, "\(list.standardError)")
        #expect(list.standardOutput.contains("nsw") && list.standardOutput.contains("pending"))
        let stats = try await CommandRunner.swgate(["outbox", "stats", "--json", "--store", url])
        #expect(stats.status == 0, "\(stats.standardError)")
        let figures = try JSONSerialization.jsonObject(with: Data(stats.standardOutput.utf8)) as? [String: Any]
        #expect(figures?["messages"] as? Int == 1, "\(stats.standardOutput)")
        let intact = try await CommandRunner.swgate(["audit", "verify", "--store", url])
        #expect(intact.status == 0, "\(intact.standardError)")
        #expect(intact.standardOutput.contains("intact"))
        try await cluster.sql("UPDATE audit_log SET detail = 'forged' WHERE seq = 1", database: database)
        let tampered = try await CommandRunner.swgate(["audit", "verify", "--store", url])
        #expect(tampered.status == 1)
        #expect(tampered.standardOutput.contains("edited"))
    }

    @Test("A read command on a database without the schema exits 2 and creates nothing")
    func unmigrated() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let database = try await cluster.createDatabase()
        let result = try await CommandRunner.swgate(["outbox", "stats", "--store", cluster.url(database)])
        #expect(result.status == 2)
        #expect(result.standardError.contains("schema version 0"), "\(result.standardError)")
        #expect(try await cluster.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", database: database) == "0")
    }

    @Test("serve with a PostgreSQL server that answers and refuses (no such database) exits 2 at once and says which database")
    func serveWithDatabaseRefusing() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let url = cluster.url("no_such_database")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write(
            "gw.yaml", Array("listen:\n  port: 0\nstore:\n  kind: postgres\n  url: \(url)\ncertificates:\n  directory: \(certificates)\n".utf8))
        let result = try await CommandRunner.swgate(["serve", "--config", config], timeout: 60)
        #expect(result.status == 2, "\(result.standardOutput) \(result.standardError)")
        #expect(result.standardError.contains("store"), "\(result.standardError)")
        #expect(result.standardError.contains("no_such_database"), "\(result.standardError)")
        #expect(!result.standardError.contains("trying again"), "\(result.standardError)")
        #expect(!result.standardOutput.contains("listening"))
    }

    @Test("send, outbox show, replay and purge with --config: the store section's URL, pool and password variable")
    func configuredStoreWithPassword() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let role = "operator_\(UUID().uuidString.prefix(8).lowercased())"
        let database = try await cluster.createDatabase(ownedBy: role, password: "s3cret-word")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = "postgres://\(role)@127.0.0.1:\(cluster.port)/\(database)"
        let config = try directory.write(
            "gw.yaml", Array("store:\n  kind: postgres\n  url: \(url)\n  pool: 3\n  password_env: GW_DB_SECRET\n".utf8))
        let valid = Fixtures.url("valid/formd-single-item.xml").path
        let refused = try await CommandRunner.swgate(["send", valid, "--to", "nsw", "--config", config], environment: ["GW_DB_SECRET": "wrong"])
        #expect(refused.status == 2, "\(refused.standardOutput) \(refused.standardError)")
        #expect(refused.standardError.contains("password authentication failed"), "\(refused.standardError)")
        let secret = ["GW_DB_SECRET": "s3cret-word"]
        let sent = try await CommandRunner.swgate(["send", valid, "--to", "nsw", "--config", config], environment: secret)
        #expect(sent.status == 0, "\(sent.standardError)")
        let id = try #require(sent.standardOutput.split(separator: " ").dropFirst().first.map(String.init), "\(sent.standardOutput)")
        let shown = try await CommandRunner.swgate(["outbox", "show", id, "--json", "--config", config], environment: secret)
        #expect(shown.status == 0, "\(shown.standardError)")
        #expect(shown.standardOutput.contains("\"pending\""), "\(shown.standardOutput)")
        // Nothing failed yet: a replay of the pending delivery moves nothing and exits 1.
        let replay = try await CommandRunner.swgate(["outbox", "replay", id, "--operator", "alice", "--config", config], environment: secret)
        #expect(replay.status == 1, "\(replay.standardOutput) \(replay.standardError)")
        try await cluster.sql("UPDATE delivery SET state = 'dead'", database: database)
        let replayed = try await CommandRunner.swgate(
            ["outbox", "replay", "--status", "dead", "--operator", "alice", "--json", "--config", config], environment: secret)
        #expect(replayed.status == 0, "\(replayed.standardError)")
        #expect(try await cluster.sql("SELECT state FROM delivery", database: database) == "pending")
        #expect(try await cluster.sql("SELECT actor FROM audit_log WHERE event = 'replayed'", database: database) == "alice")
        let purge = try await CommandRunner.swgate(["outbox", "purge", "--delivered", "--older-than", "1d", "--config", config], environment: secret)
        #expect(purge.status == 0, "\(purge.standardError)")
        #expect(try await cluster.sql("SELECT count(*) FROM message", database: database) == "1", "a pending message is never purged")
    }

    /// The development PKI of the repository.
    private var certificates: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Certificates").path
    }
}

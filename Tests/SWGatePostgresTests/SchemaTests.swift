import Foundation
import SWGateStore
import SWGateTesting
import Testing

@testable import SWGatePostgres

@Suite("PostgreSQL: schema migrations and refusals")
struct SchemaTests {
    @Test("Instances starting together migrate once; a second start changes nothing")
    func concurrentMigration() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let database = try await cluster.createDatabase()
        let configuration = try PostgresStoreConfiguration(url: cluster.url(database), password: nil, poolSize: 2)
        let stores = try await withThrowingTaskGroup(of: PostgresOutboxStore.self) { group in
            for _ in 0..<3 { group.addTask { try await PostgresOutboxStore(configuration: configuration) } }
            return try await group.reduce(into: [PostgresOutboxStore]()) { $0.append($1) }
        }
        for store in stores { await store.close() }
        #expect(
            try await cluster.sql("SELECT string_agg(version::text || ':' || name, ',') FROM swgate_schema_version", database: database)
                == "1:outbox,2:audit-chain-per-instance,3:first-claim")
        let again = try await PostgresOutboxStore(configuration: configuration)
        await again.close()
        #expect(try await cluster.sql("SELECT count(*) FROM swgate_schema_version", database: database) == "3")
    }

    @Test("A database with a newer schema than the binary knows is refused")
    func newerSchema() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let database = try await cluster.createDatabase()
        let configuration = try PostgresStoreConfiguration(url: cluster.url(database), password: nil)
        let store = try await PostgresOutboxStore(configuration: configuration)
        await store.close()
        try await cluster.sql("INSERT INTO swgate_schema_version (version, name) VALUES (99, 'from-the-future')", database: database)
        do {
            _ = try await PostgresOutboxStore(configuration: configuration)
            Issue.record("a newer schema was accepted")
        } catch {
            #expect(error.code == .storeUnavailable)
            #expect(error.reason.contains("schema version 99"))
        }
    }

    @Test("Without migrate, an empty database is refused and left empty")
    func noMigrate() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let database = try await cluster.createDatabase()
        var configuration = try PostgresStoreConfiguration(url: cluster.url(database), password: nil)
        configuration.migrate = false
        await #expect(throws: OutboxError.self) { _ = try await PostgresOutboxStore(configuration: configuration) }
        #expect(try await cluster.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", database: database) == "0")
    }

    @Test("Each instance writes its own audit chain; an edited or deleted entry is found and its chain named")
    func tamperedAudit() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let database = try await cluster.createDatabase()
        var configuration = try PostgresStoreConfiguration(url: cluster.url(database), password: nil)
        configuration.auditChain = "gw-1"
        let a = try await PostgresOutboxStore(configuration: configuration)
        configuration.auditChain = "gw-2"
        let b = try await PostgresOutboxStore(configuration: configuration)
        _ = try await a.enqueue(formD("M-1", conversation: "C-1"))
        _ = try await b.enqueue(formD("M-2", conversation: "C-2"))
        _ = try await b.claimNow()
        _ = try await a.enqueue(formD("M-3", conversation: "C-3"))
        #expect(
            try await cluster.sql("SELECT string_agg(chain || ':' || position, ',' ORDER BY seq) FROM audit_log", database: database)
                == "gw-1:1,gw-2:1,gw-2:2,gw-2:3,gw-1:2")
        #expect(
            try await cluster.sql("SELECT string_agg(chain || ':' || position, ',' ORDER BY chain) FROM audit_chain_head", database: database)
                == "gw-1:2,gw-2:3")
        let intact = try await a.verifyAudit()
        #expect(intact.isIntact && intact.entryCount == 5, "\(intact)")
        try await cluster.sql("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2", database: database)
        let report = try await b.verifyAudit()
        #expect(report.problems.first?.sequence == 2)
        #expect(report.problems.first?.reason.contains("chain gw-2: entry 1 was edited") == true, "\(report.problems)")
        try await cluster.sql("DELETE FROM audit_log WHERE seq = 5", database: database)
        #expect(try await a.verifyAudit().problems.contains { $0.reason.contains("chain gw-1") && $0.reason.contains("deleted") })
        await a.close()
        await b.close()
    }

    @Test("A version 1 database keeps its audit chain through the migration to chains per instance")
    func auditChainMigration() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let database = try await cluster.createDatabase()
        // A database as version 1 left it: its schema, and three chained entries under its one head.
        try await cluster.sql(PostgresSchema.migrations[0].statements.joined(separator: ";\n"), database: database)
        try await cluster.sql(
            "CREATE TABLE swgate_schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());"
                + "INSERT INTO swgate_schema_version (version, name) VALUES (1, 'outbox')", database: database)
        var previous = AuditEntry.genesisHash
        for sequence in Int64(1)...3 {
            let hash = AuditEntry.canonicalHash(
                sequence: sequence, atMilliseconds: 1_700_000_000_000 + sequence, event: "accepted", messageID: "m-\(sequence)",
                destination: nil, actor: "portal", detail: "v1 entry", previousHash: previous)
            try await cluster.sql(
                """
                INSERT INTO audit_log (seq, at, event, message_id, destination, actor, detail, prev_hash, hash)
                VALUES (\(sequence), \(1_700_000_000_000 + sequence), 'accepted', 'm-\(sequence)', NULL, 'portal', 'v1 entry', '\(previous)', '\(hash)');
                UPDATE audit_head SET seq = \(sequence), hash = '\(hash)'
                """, database: database)
            previous = hash
        }
        var configuration = try PostgresStoreConfiguration(url: cluster.url(database), password: nil)
        configuration.auditChain = "gw-1"
        let store = try await PostgresOutboxStore(configuration: configuration)
        _ = try await store.enqueue(formD("M-1", conversation: "C-1"))
        let report = try await store.verifyAudit()
        #expect(report.isIntact && report.entryCount == 4, "\(report)")
        #expect(
            try await cluster.sql("SELECT string_agg(chain || ':' || position || ':' || seq, ',' ORDER BY seq) FROM audit_log", database: database)
                == ":1:1,:2:2,:3:3,gw-1:1:4")
        try await cluster.sql("UPDATE audit_log SET detail = 'rewritten' WHERE seq = 2", database: database)
        #expect(try await store.verifyAudit().problems.map(\.sequence) == [2])
        await store.close()
    }

    @Test("Configuration URLs: user, host, port and database; a password in the URL is refused")
    func urls() throws {
        let parsed = try PostgresStoreConfiguration(url: "postgres://gw@db.example:6543/swgate", password: "secret", poolSize: 3)
        #expect(parsed.username == "gw" && parsed.host == "db.example" && parsed.port == 6543 && parsed.database == "swgate")
        #expect(parsed.password == "secret" && parsed.poolSize == 3)
        #expect(parsed.displayURL == "postgres://gw@db.example:6543/swgate")
        #expect(throws: OutboxError.self) { try PostgresStoreConfiguration(url: "postgres://gw:pw@db/swgate", password: nil) }
        #expect(throws: OutboxError.self) { try PostgresStoreConfiguration(url: "postgres://db/swgate", password: nil) }
        #expect(throws: OutboxError.self) { try PostgresStoreConfiguration(url: "mysql://gw@db/swgate", password: nil) }
    }
}

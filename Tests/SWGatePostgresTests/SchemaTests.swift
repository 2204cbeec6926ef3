import Foundation
import SWGatePostgres
import SWGateStore
import SWGateTesting
import Testing

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
        #expect(try cluster.sql("SELECT string_agg(version::text || ':' || name, ',') FROM swgate_schema_version", database: database) == "1:outbox")
        let again = try await PostgresOutboxStore(configuration: configuration)
        await again.close()
        #expect(try cluster.sql("SELECT count(*) FROM swgate_schema_version", database: database) == "1")
    }

    @Test("A database with a newer schema than the binary knows is refused")
    func newerSchema() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let database = try await cluster.createDatabase()
        let configuration = try PostgresStoreConfiguration(url: cluster.url(database), password: nil)
        let store = try await PostgresOutboxStore(configuration: configuration)
        await store.close()
        try cluster.sql("INSERT INTO swgate_schema_version (version, name) VALUES (99, 'from-the-future')", database: database)
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
        #expect(try cluster.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", database: database) == "0")
    }

    @Test("An edited audit entry is found, with several writers' entries in one chain")
    func tamperedAudit() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let database = try await cluster.createDatabase()
        let configuration = try PostgresStoreConfiguration(url: cluster.url(database), password: nil)
        let a = try await PostgresOutboxStore(configuration: configuration)
        let b = try await PostgresOutboxStore(configuration: configuration)
        _ = try await a.enqueue(formD("M-1", conversation: "C-1"))
        _ = try await b.enqueue(formD("M-2", conversation: "C-2"))
        _ = try await b.claimNow()
        #expect(try await a.verifyAudit().isIntact)
        try cluster.sql("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2", database: database)
        let report = try await b.verifyAudit()
        #expect(report.problems.first?.sequence == 2)
        #expect(report.problems.first?.reason.contains("edited") == true)
        try cluster.sql("DELETE FROM audit_log WHERE seq = 4", database: database)
        #expect(try await a.verifyAudit().problems.contains { $0.reason.contains("deleted") })
        await a.close()
        await b.close()
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

import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SWGatePostgres
import SWGateServer
import SWGateStore
import SWGateTesting
import Testing

@testable import SWGateAS4
@testable import SWGateChannels
@testable import SWGateNSW

/// Two gateways on one PostgreSQL database, in process: what a load balancer in front of two
/// instances would see.
@Suite("Two gateway instances sharing one PostgreSQL store", .serialized)
struct SharedStoreGatewayTests {
    private func configuration(_ partners: Partners, url: String, owner: String) -> GatewayConfiguration {
        var c = partners.configuration(store: "unused.sqlite")
        c.store.kind = .postgres
        c.store.url = url
        c.store.pool = 4
        c.delivery.owner = owner
        for name in ["nsw", "asw"] { c.destinations[name]?.circuitFailureThreshold = 1000 }
        return c
    }

    @Test(
        "Chains submitted alternately to two instances, partners failing every other request: all delivered, no successor before its predecessor's acknowledgement"
    )
    func chainsAcrossInstances() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let url = cluster.url(try await cluster.createDatabase())
        let partners = try await Partners.start()
        defer { partners.stop() }
        await partners.nsw.state.setMode(.unavailableEvery(2))
        await partners.asw.state.setMode(.unavailableEvery(2))
        let first = try await GatewayServer.open(configuration: configuration(partners, url: url, owner: "gw-1"))
        let second = try await GatewayServer.open(configuration: configuration(partners, url: url, owner: "gw-2"))
        let (port1, run1) = try await startGateway(first)
        let (port2, run2) = try await startGateway(second)
        let http = HTTPClient.forTest()
        let clients = [
            TestClient(base: "http://127.0.0.1:\(port1)", client: http), TestClient(base: "http://127.0.0.1:\(port2)", client: http),
        ]
        for client in clients { #expect(try await client.get("/readyz").status == 200) }

        let steps: [(suffix: String, function: String, replaces: String?)] = [
            ("", "ISSUE", nil), ("-A1", "AMEND", ""), ("-A2", "AMEND", "-A1"), ("-C", "CANCEL", "-A2"),
        ]
        var chains: [[(id: String, wire: String)]] = Array(repeating: [], count: 4)
        var submission = 0
        for step in steps {
            for chain in 0..<4 {
                let base = "VN-TH 26/03/00070\(chain)"
                let body = try chainLink(base + step.suffix, function: step.function, replaces: step.replaces.map { base + $0 })
                let result = try await clients[submission % 2].submit(body)
                submission += 1
                #expect(result.status == 202, "\(base + step.suffix): \(result.text)")
                chains[chain].append((try #require(result.json["id"] as? String), try #require(result.json["messageId"] as? String)))
            }
        }
        let delivered = try await eventually(90) {
            for chain in chains {
                for link in chain where try await clients[1].get("/v1/messages/\(link.id)").json["status"] as? String != "delivered" { return false }
            }
            return true
        }
        #expect(delivered)
        // Each gateway counts its own submissions in its own registry (two gateways, one process),
        // and shows its PostgreSQL pool (store.pool 4).
        for client in clients {
            let metrics = try await client.send(.GET, "/metrics").text
            #expect(metrics.contains("swgate_accepted_total{destination=\"nsw\"} 8\n"), "\(metrics)")
            #expect(metrics.contains("swgate_store_pool_connections{state=\"max\"} 4.0\n"), "\(metrics)")
            #expect(metrics.contains("# TYPE swgate_store_pool_connections gauge"))
            let inUse = metrics.split(separator: "\n").first { $0.hasPrefix("swgate_store_pool_connections{state=\"in_use\"} ") }
            #expect(inUse.flatMap { Double($0.split(separator: " ")[1]) }.map { (0...4).contains($0) } == true, "\(metrics)")
        }
        for (name, state, idOnWire) in [
            ("nsw", partners.nsw.state, { (wire: String) in wire }),
            ("asw", partners.asw.state, { (wire: String) in AS4Signals.messageId(forWireMessageID: wire) }),
        ] {
            let events = await state.events
            var failures = 0
            for chain in chains {
                for k in 1..<chain.count {
                    let predecessor = idOnWire(chain[k - 1].wire)
                    let successor = idOnWire(chain[k].wire)
                    let acknowledged = try #require(events.firstIndex(of: .acknowledged(predecessor)), "\(name): \(predecessor) never acknowledged")
                    let firstAttempt = try #require(events.firstIndex(of: .attempted(successor)), "\(name): \(successor) never sent")
                    if firstAttempt < acknowledged { failures += 1 }
                }
            }
            #expect(failures == 0, "\(name): \(failures) successors were sent before their predecessor was acknowledged")
        }
        // Both instances delivered: the attempts carry both owners.
        var owners = Set<String>()
        for chain in chains {
            for link in chain {
                let record = try #require(try await first.store.message(id: link.id))
                for delivery in record.deliveries { owners.formUnion(delivery.attempts.map(\.owner)) }
            }
        }
        #expect(owners.isSuperset(of: ["gw-1", "gw-2"]), "attempts by \(owners.sorted())")
        #expect(try await second.store.verifyAudit().isIntact)
        run1.cancel()
        run2.cancel()
        _ = try? await run1.value
        _ = try? await run2.value
        try? await http.shutdown()
    }

    @Test("A gateway whose database is down does not start: the store error names the database")
    func databaseDown() async throws {
        let cluster = try await PostgresTestCluster.started()
        let url = cluster.url(try await cluster.createDatabase())
        cluster.stop()
        var c = GatewayConfiguration()
        c.store.kind = .postgres
        c.store.url = url
        do {
            _ = try await GatewayServer.open(configuration: c)
            Issue.record("a gateway started without its database")
        } catch {
            #expect(error.component == "store")
            #expect(error.message.contains("127.0.0.1"), "\(error.message)")
        }
    }

    @Test(
        "While its database is down a running gateway answers 503 to submissions and /readyz, and 202 again once it is back",
        .timeLimit(.minutes(4)))
    func databaseOutage() async throws {
        let cluster = try await PostgresTestCluster.started()
        defer { cluster.stop() }
        let url = cluster.url(try await cluster.createDatabase())
        let partners = try await Partners.start()
        defer { partners.stop() }
        let server = try await GatewayServer.open(configuration: configuration(partners, url: url, owner: "gw-1"))
        let (port, run) = try await startGateway(server)
        let http = HTTPClient.forTest()
        let client = TestClient(base: "http://127.0.0.1:\(port)", client: http)
        do {
            #expect(try await client.submit(try FormDSamples.withReference("VN-TH 26/03/000801")).status == 202)
            try await cluster.halt()
            let started = ContinuousClock.now
            let refused = try await client.submit(try FormDSamples.withReference("VN-TH 26/03/000802"))
            #expect(refused.status == 503, "\(refused.text)")
            #expect(ContinuousClock.now - started < .seconds(20), "answered only after \(ContinuousClock.now - started)")
            #expect(try await client.get("/readyz").status == 503)
            try await cluster.start()
            let back = try await eventually(30) { try await client.get("/readyz").status == 200 }
            #expect(back)
            #expect(try await client.submit(try FormDSamples.withReference("VN-TH 26/03/000803")).status == 202)
            // The refused certificate was not stored; the other two were.
            let stored = try await server.store.deliveries(matching: DeliveryFilter(destination: "nsw")).count
            #expect(stored == 2)
        } catch {
            Issue.record(error)
        }
        run.cancel()
        _ = try? await run.value
        try? await http.shutdown()
    }

    @Test("A submission whose COMMIT fails is answered 503, not 202, and nothing of it is stored", .timeLimit(.minutes(4)))
    func commitFails() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let database = try await cluster.createDatabase()
        let partners = try await Partners.start()
        defer { partners.stop() }
        let server = try await GatewayServer.open(configuration: configuration(partners, url: cluster.url(database), owner: "gw-1"))
        let (port, run) = try await startGateway(server)
        let http = HTTPClient.forTest()
        let client = TestClient(base: "http://127.0.0.1:\(port)", client: http)
        do {
            // A deferred constraint trigger raises at COMMIT, after every statement of the
            // transaction succeeded: the only way to see it is to wait for COMMIT's answer.
            try await cluster.sql(
                """
                CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'refused at commit'; END $$;
                CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON message
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_at_commit();
                """, database: database)
            let refused = try await client.submit(try FormDSamples.withReference("VN-TH 26/03/000811"))
            #expect(refused.status == 503, "\(refused.text)")
            #expect(refused.json["type"] as? String == "urn:swgate:problem:unavailable", "\(refused.text)")
            #expect(try await cluster.sql("SELECT count(*) FROM message", database: database) == "0")
            #expect(try await cluster.sql("SELECT count(*) FROM delivery", database: database) == "0")
            try await cluster.sql("DROP TRIGGER refuse_at_commit ON message", database: database)
            let accepted = try await client.submit(try FormDSamples.withReference("VN-TH 26/03/000812"))
            #expect(accepted.status == 202, "\(accepted.text)")
            #expect(try await cluster.sql("SELECT count(*) FROM message", database: database) == "1")
        } catch {
            Issue.record(error)
        }
        run.cancel()
        _ = try? await run.value
        try? await http.shutdown()
    }

    @Test("A gateway whose database went away still shuts down promptly, with a submission in flight", .timeLimit(.minutes(4)))
    func shutdownDuringOutage() async throws {
        let cluster = try await PostgresTestCluster.started()
        defer { cluster.stop() }
        let url = cluster.url(try await cluster.createDatabase())
        let partners = try await Partners.start()
        defer { partners.stop() }
        let server = try await GatewayServer.open(configuration: configuration(partners, url: url, owner: "gw-1"))
        let (port, run) = try await startGateway(server)
        let http = HTTPClient.forTest()
        let client = TestClient(base: "http://127.0.0.1:\(port)", client: http)
        #expect(try await client.submit(try FormDSamples.withReference("VN-TH 26/03/000811")).status == 202)
        try await cluster.halt()
        let pending = Task { try? await client.submit(try FormDSamples.withReference("VN-TH 26/03/000812")).status }
        run.cancel()
        let started = ContinuousClock.now
        _ = try? await run.value
        #expect(ContinuousClock.now - started < .seconds(30), "shutdown took \(ContinuousClock.now - started)")
        let status = await pending.value
        #expect(status != 202, "a submission was accepted while the database was down")
        try? await http.shutdown()
    }

    @Test("The store section: kind, url, pool, password variable; postgres needs a url without a password")
    func configurationKeys() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write(
            "gw.yaml", Array("store:\n  kind: postgres\n  url: postgres://gw@db:5433/swgate\n  pool: 3\n  password_env: DB_PW\n".utf8))
        let c = try ConfigurationLoader(environment: [:]).load(file: file)
        #expect(c.store.kind == .postgres && c.store.url == "postgres://gw@db:5433/swgate" && c.store.pool == 3)
        #expect(c.store.passwordEnvironment == "DB_PW")
        let settings = try GatewayStores.postgresConfiguration(c, environment: ["DB_PW": "s3cret"])
        #expect(settings.password == "s3cret" && settings.port == 5433 && settings.poolSize == 3)
        let missing = try directory.write("bad.yaml", Array("store:\n  kind: postgres\n".utf8))
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader(environment: [:]).load(file: missing) }
        let withPassword = try directory.write("pw.yaml", Array("store:\n  kind: postgres\n  url: postgres://gw:pw@db/swgate\n".utf8))
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader(environment: [:]).load(file: withPassword) }
        let badKind = try directory.write("kind.yaml", Array("store:\n  kind: oracle\n".utf8))
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader(environment: [:]).load(file: badKind) }
        let fromEnvironment = try ConfigurationLoader(environment: ["SWGATE_STORE_KIND": "postgres", "SWGATE_STORE_URL": "postgres://u@h/d"]).load(
            file: nil)
        #expect(fromEnvironment.store.kind == .postgres && fromEnvironment.store.url == "postgres://u@h/d")
    }
}

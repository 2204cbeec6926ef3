import Foundation
import SWGatePostgres
import SWGateStore
import SWGateTesting
import Testing

@Suite("PostgreSQL: a database that is down")
struct UnavailableDatabaseTests {
    @Test("Opening a store on a database that is down fails at once with store-unavailable")
    func downAtStart() async throws {
        let cluster = try await PostgresTestCluster.started()
        defer { cluster.stop() }
        let database = try await cluster.createDatabase()
        try await cluster.halt()
        var configuration = try PostgresStoreConfiguration(url: cluster.url(database), password: nil)
        configuration.connectTimeout = .seconds(2)
        let started = ContinuousClock.now
        do {
            _ = try await PostgresOutboxStore(configuration: configuration)
            Issue.record("a store opened on a stopped database")
        } catch {
            #expect(error.code == .storeUnavailable)
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("While the database is down an enqueue fails (never reports stored); after it returns, work resumes and nothing was half-stored")
    func downWhileRunning() async throws {
        let cluster = try await PostgresTestCluster.started()
        defer { cluster.stop() }
        let database = try await cluster.createDatabase()
        var configuration = try PostgresStoreConfiguration(url: cluster.url(database), password: nil, poolSize: 2)
        configuration.connectTimeout = .seconds(2)
        configuration.leaseTimeout = .seconds(3)
        let store = try await PostgresOutboxStore(configuration: configuration)
        _ = try await store.enqueue(formD("M-1", conversation: "C-1"))
        try await cluster.halt()
        let started = ContinuousClock.now
        let failed = await outboxErrorCode { _ = try await store.enqueue(formD("M-2", conversation: "C-2")) }
        #expect(failed == .storeUnavailable)
        #expect(ContinuousClock.now - started < .seconds(15), "the enqueue failed only after \(ContinuousClock.now - started)")
        #expect(await store.readinessProblem() != nil)
        try await cluster.start()
        var stored: EnqueueResult?
        for _ in 0..<50 where stored == nil {
            stored = try? await store.enqueue(formD("M-3", conversation: "C-3"))
            if stored == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(stored != nil)
        #expect(await store.readinessProblem() == nil)
        let wires = try await store.deliveries(matching: DeliveryFilter()).count
        #expect(wires == 2, "M-1 and M-3; M-2 was refused and not stored")
        #expect(try await store.message(id: "M-2") == nil)
        #expect(try await store.verifyAudit().isIntact)
        await store.close()
    }

    @Test("A listener whose database restarts listens again, and the next enqueue on another instance wakes it", .timeLimit(.minutes(4)))
    func notificationsAfterRestart() async throws {
        let cluster = try await PostgresTestCluster.started()
        defer { cluster.stop() }
        let database = try await cluster.createDatabase()
        let configuration = try PostgresStoreConfiguration(url: cluster.url(database), password: nil)
        let a = try await PostgresOutboxStore(configuration: configuration)
        let b = try await PostgresOutboxStore(configuration: configuration)
        let (wakes, continuation) = AsyncStream.makeStream(of: Void.self)
        let listener = Task { try await b.watchForWork { continuation.yield() } }
        var iterator = wakes.makeAsyncIterator()
        _ = await iterator.next()  // listening
        try await cluster.halt()
        try await cluster.start()
        _ = await iterator.next()  // listening again, on a new connection
        // The other instance's pool comes back too; its enqueue's NOTIFY reaches the new LISTEN.
        var stored = false
        for _ in 0..<100 where !stored {
            do {
                _ = try await a.enqueue(formD("M-1"))
                stored = true
            } catch {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(stored)
        _ = await iterator.next()
        listener.cancel()
        _ = try? await listener.value
        await a.close()
        await b.close()
    }
}

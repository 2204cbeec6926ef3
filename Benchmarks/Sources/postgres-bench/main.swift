// postgres-bench: the PostgreSQL outbox store on a real server: durable enqueue rate (group commit
// per instance, synchronous_commit on) and claim-and-complete rate with one, two and three store
// instances (gateways, each with its own connection pool and group committer) on one database,
// in two interleaved rounds so that the machine's drift shows.
// Run: swift run -c release --package-path Benchmarks postgres-bench --url postgres://user@host:port/db
//      [--messages N] [--producers P] [--transactions T]   (password, if any, in SWGATE_STORE_PASSWORD)
// Benchmarks/scripts/postgres-bench.sh starts a throw-away server, runs pgbench on it, then this.
import BenchmarkSupport
import Foundation
import SWGatePostgres
import SWGateStore

let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}
guard let url = option("--url") else {
    FileHandle.standardError.write(Data("usage: postgres-bench --url postgres://user@host:port/db [--messages N] [--producers P]\n".utf8))
    exit(2)
}
let messages = Int(option("--messages") ?? "") ?? 20_000
let producers = Int(option("--producers") ?? "") ?? 64
let transactions = Int(option("--transactions") ?? "") ?? 1
let payload = Data(repeating: UInt8(ascii: "x"), count: 5 * 1024)

func seconds(since start: ContinuousClock.Instant) -> Double {
    let (s, atto) = (ContinuousClock.now - start).components
    return Double(s) + Double(atto) / 1e18
}

func openStore(instance: Int, pool: Int = 8) async throws -> PostgresOutboxStore {
    var configuration = try PostgresStoreConfiguration(
        url: url, password: ProcessInfo.processInfo.environment["SWGATE_STORE_PASSWORD"], poolSize: pool)
    configuration.maximumBatch = 256
    configuration.concurrentTransactions = transactions
    // Each gateway instance appends to its own audit chain, named after its owner.
    configuration.auditChain = "gw-\(instance)"
    // A checkpoint after pgbench's writes can hold a commit for seconds on a shared virtual disk;
    // the gateway would answer 503 then, the benchmark waits.
    configuration.operationTimeout = .seconds(120)
    return try await PostgresOutboxStore(configuration: configuration)
}

/// `producers` tasks, spread over `stores`, enqueue `messages` 5 KB messages in all, each to
/// `destination`; returns messages per second.
func enqueue(_ stores: [PostgresOutboxStore], destination: String, prefix: String) async throws -> Double {
    let perProducer = messages / producers
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for producer in 0..<producers {
            let store = stores[producer % stores.count]
            group.addTask {
                for index in 0..<perProducer {
                    _ = try await store.enqueue(
                        NewMessage(
                            wireMessageID: "\(prefix)-\(producer)-\(index)", conversation: "\(prefix)-C-\(producer)-\(index)",
                            documentType: "ATIGA-FORM-D", function: .issue, source: "portal",
                            payloads: [OutboundPayload(destination: destination, body: payload, contentType: "application/xml")]))
                }
            }
        }
        try await group.waitForAll()
    }
    return Double(perProducer * producers) / seconds(since: start)
}

/// Workers on each store claim up to 32 deliveries of `destination` and complete them as delivered
/// (concurrently, as the engine does), until none is left; returns completions per second and how many each store made.
func drain(_ stores: [PostgresOutboxStore], destination: String, workersPerStore: Int = 4) async throws -> (rate: Double, perStore: [Int]) {
    let start = ContinuousClock.now
    let counts = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
        for (index, store) in stores.enumerated() {
            for worker in 0..<workersPerStore {
                group.addTask {
                    var done = 0
                    while true {
                        let claimed = try await store.claim(
                            destination: destination, limit: 32, owner: "bench-\(index)-\(worker)", leaseDuration: .seconds(120), now: Date())
                        if claimed.isEmpty { break }
                        // As the delivery engine does: every claimed delivery is attempted, and
                        // completed, concurrently.
                        try await withThrowingTaskGroup(of: Void.self) { attempts in
                            for delivery in claimed {
                                attempts.addTask {
                                    _ = try await store.complete(
                                        DeliveryCompletion(
                                            deliveryID: delivery.deliveryID, owner: delivery.owner, startedAt: Date(), duration: .milliseconds(1),
                                            outcome: .delivered, httpStatus: 200, transition: .delivered(receipt: nil)))
                                }
                            }
                            try await attempts.waitForAll()
                        }
                        done += claimed.count
                    }
                    return (index, done)
                }
            }
        }
        var counts = Array(repeating: 0, count: stores.count)
        for try await (index, done) in group { counts[index] += done }
        return counts
    }
    return (Double(counts.reduce(0, +)) / seconds(since: start), counts)
}

print("postgres-bench \(Date()) on \(machineDescription())")
print("store \(url), \(messages) messages of 5 KB, \(producers) producers, \(transactions) write transactions at once per instance")
let stores = [try await openStore(instance: 1), try await openStore(instance: 2), try await openStore(instance: 3)]
print("instances | durable enqueue (messages/s) | units per transaction | claim-and-complete (deliveries/s) | completions per instance")
for round in 1...2 {
    for count in 1...3 {
        let used = Array(stores.prefix(count))
        let before = used.map(\.counters)
        let destination = "d\(round)-\(count)"
        let enqueueRate = try await enqueue(used, destination: destination, prefix: "E\(round)-\(count)")
        let after = used.map(\.counters)
        let units = zip(before, after).map { $1.units - $0.units }.reduce(0, +)
        let transactions = zip(before, after).map { $1.transactions - $0.transactions }.reduce(0, +)
        let drained = try await drain(used, destination: destination)
        print(
            String(
                format: "%d (round %d) | %.0f | %.1f | %.0f | %@", count, round, enqueueRate, Double(units) / Double(max(1, transactions)),
                drained.rate, drained.perStore.map(String.init).joined(separator: " / ")))
    }
}
let report = try await stores[0].verifyAudit()
print("audit chain: \(report.isIntact ? "intact" : "BROKEN"), \(report.entryCount) entries")
print(String(format: "peak RSS %.1f MiB", peakResidentMiB()))
for store in stores { await store.close() }

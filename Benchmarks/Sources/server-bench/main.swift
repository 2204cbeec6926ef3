// server-bench: the gateway over real HTTP on loopback. A load generator (AsyncHTTPClient, 64
// concurrent clients) posts 5 KB Form Ds to POST /v1/certificates of an in-process GatewayServer
// that relays to the NSW and ASW simulators (real signatures both ways), also in process.
// Run: swift run -c release --package-path Benchmarks server-bench [--quick]
import AsyncHTTPClient
import BenchmarkSupport
import Foundation
import NIOCore
import SWGateChannels
import SWGateHTTP
import SWGateServer
import SWGateStore

let quick = CommandLine.arguments.contains("--quick")
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../..").standardized
let certificates = root.appendingPathComponent("Certificates").path
let template = try String(contentsOf: root.appendingPathComponent("Benchmarks/Fixtures/formd-5kb.xml"), encoding: .utf8)
let token = DevelopmentToken.submitter
let concurrency = 64

func document(_ n: Int) -> [UInt8] {
    Array(template.replacingOccurrences(of: "VN-ID 26/04/000457", with: String(format: "VN-ID 26/04/%06d", n)).utf8)
}

func startHost(_ host: EndpointHost) async throws -> Int {
    let (stream, continuation) = AsyncStream<Int>.makeStream()
    Task { try await host.run { continuation.yield($0) } }
    var iterator = stream.makeAsyncIterator()
    return await iterator.next() ?? 0
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

let nswPort = try await startHost(EndpointHost(routes: [.init("/", NSWSimulator(security: try SimulatedPartner.nsw.developmentSecurity(certificates: certificates)))]))
let aswPort = try await startHost(EndpointHost(routes: [.init("/", ASWSimulator(security: try SimulatedPartner.asw.developmentSecurity(certificates: certificates)))]))
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("server-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }

func configuration(store: String) -> GatewayConfiguration {
    var c = GatewayConfiguration()
    c.listen.port = 0
    c.storePath = store
    c.certificatesDirectory = certificates
    c.destinations["nsw"]?.url = "http://127.0.0.1:\(nswPort)/nsw"
    c.destinations["asw"]?.url = "http://127.0.0.1:\(aswPort)/as4"
    c.logLevel = "error"
    return c
}

/// Starts a gateway; returns it and its port.
func startGateway(store: String) async throws -> (GatewayServer, Int) {
    let server = try GatewayServer(configuration: configuration(store: store))
    let (stream, continuation) = AsyncStream<Int>.makeStream()
    Task { try await server.run { continuation.yield($0) } }
    var iterator = stream.makeAsyncIterator()
    return (server, await iterator.next() ?? 0)
}

let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)))

func post(_ port: Int, _ n: Int) async -> (ok: Bool, seconds: Double) {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/certificates")
    request.method = .POST
    request.headers.add(name: "Authorization", value: "Bearer \(token)")
    request.headers.add(name: "Content-Type", value: "application/xml")
    request.body = .bytes(ByteBuffer(bytes: document(n)))
    let start = ContinuousClock.now
    do {
        let response = try await http.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 16)
        return (response.status.code == 202, seconds(ContinuousClock.now - start))
    } catch {
        return (false, seconds(ContinuousClock.now - start))
    }
}

/// `count` posts by `concurrency` clients as fast as they go; or paced at `rate` per second overall.
func load(port: Int, first: Int, count: Int, rate: Double?) async -> (perSecond: Double, latencies: [Double], failures: Int) {
    let start = ContinuousClock.now
    let results = await withTaskGroup(of: [(Bool, Double)].self) { group in
        for client in 0..<concurrency {
            group.addTask {
                var out: [(Bool, Double)] = []
                var i = client
                while i < count {
                    if let rate {
                        let due = start + .milliseconds(Int(Double(i) / rate * 1000))
                        if due > ContinuousClock.now { try? await Task.sleep(until: due, clock: .continuous) }
                    }
                    let r = await post(port, first + i)
                    out.append((r.ok, r.seconds))
                    i += concurrency
                }
                return out
            }
        }
        var all: [(Bool, Double)] = []
        for await part in group { all += part }
        return all
    }
    let elapsed = seconds(ContinuousClock.now - start)
    return (Double(results.filter(\.0).count) / elapsed, results.map(\.1), results.filter { !$0.0 }.count)
}

func waitDelivered(_ store: any OutboxStore, messages: Int, limit: Double = 600) async throws -> Double {
    let start = ContinuousClock.now
    while seconds(ContinuousClock.now - start) < limit {
        let stats = try await store.stats()
        if stats.total(.delivered) >= messages * 2 { break }
        try await Task.sleep(for: .milliseconds(50))
    }
    return seconds(ContinuousClock.now - start)
}

print("machine: \(machineDescription())")
print("date: \(Date())")
let intakeCount = quick ? 2_000 : 10_000

// 1. Intake at full speed (the engine relays at the same time, as in production).
let (gateway, port) = try await startGateway(store: directory.appendingPathComponent("a.sqlite").path)
_ = await load(port: port, first: 0, count: 500, rate: nil)  // warm-up
let full = await load(port: port, first: 1_000, count: intakeCount, rate: nil)
print(String(format: "intake, %d clients, max: %.0f 202/s  p50 %.1f ms  p99 %.1f ms  failures %d", concurrency, full.perSecond,
    percentile(full.latencies, 0.5) * 1000, percentile(full.latencies, 0.99) * 1000, full.failures))
// 2. Intake paced at 1,000/s.
_ = try await waitDelivered(gateway.store, messages: intakeCount + 500)
let paced = await load(port: port, first: 100_000, count: quick ? 2_000 : 5_000, rate: 1_000)
print(String(format: "intake paced at 1000/s: %.0f 202/s  p50 %.1f ms  p99 %.1f ms  failures %d", paced.perSecond,
    percentile(paced.latencies, 0.5) * 1000, percentile(paced.latencies, 0.99) * 1000, paced.failures))
let total = intakeCount + 500 + (quick ? 2_000 : 5_000)
let drain = try await waitDelivered(gateway.store, messages: total)
print(String(format: "drained after paced load in %.1f s", drain))
gateway.engine.stop()

// 3. Relay: a queue of N certificates (fan-out to nsw and asw) delivered by a fresh gateway.
let relayStore = directory.appendingPathComponent("b.sqlite").path
let relayCount = quick ? 2_000 : 6_000
do {
    let store = try SQLiteOutboxStore(path: relayStore)
    let intake = CertificateIntake(store: store, validator: try .standard(), routing: RoutingTable())
    await withTaskGroup(of: Void.self) { group in
        for client in 0..<concurrency {
            group.addTask {
                var i = client
                while i < relayCount {
                    _ = try? await intake.submit(document(200_000 + i), source: "portal", client: "bench", idempotencyKey: nil)
                    i += concurrency
                }
            }
        }
    }
    try store.close()
}
let (relay, _) = try await startGateway(store: relayStore)
let relaySeconds = try await waitDelivered(relay.store, messages: relayCount)
print(String(format: "relay: %d Form D to nsw and asw in %.2f s: %.0f deliveries/s, %.0f Form D/s end to end (both partners)",
    relayCount, relaySeconds, Double(relayCount * 2) / relaySeconds, Double(relayCount) / relaySeconds))
print(String(format: "peak RSS: %.0f MiB", peakResidentMiB()))
if let rsa = opensslRSA2048() { print(String(format: "openssl rsa2048 on this machine: %.0f sign/s, %.0f verify/s", rsa.sign, rsa.verify)) }
try await http.shutdown()
exit(0)

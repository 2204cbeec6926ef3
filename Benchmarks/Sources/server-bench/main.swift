// server-bench: the gateway over real HTTP on loopback, alone in its process.
//
// The benchmark re-executes itself with `--peers`: that child runs the NSW and ASW simulators
// (real signatures: they verify the gateway's and sign their answers) and the load generator
// (AsyncHTTPClient, 64 concurrent clients posting 5 KB Form Ds to POST /v1/certificates), all on
// 127.0.0.1. It exits when its stdin closes, which happens when this process ends for any reason.
// This process holds only the gateway, so its CPU time and RSS are the gateway's.
//
// 1. Intake with delivery paused (only the HTTP listener runs): max rate, then paced at 1,000/s.
// 2. Relay: the engine is started on the queue that intake left and delivers it to both
//    simulators; the time until every delivery is `delivered` gives relay and end-to-end rates.
// 3. Peak RSS and CPU seconds of each process, and `openssl speed rsa2048` before and after.
//
// Run: swift run -c release --package-path Benchmarks server-bench [--quick] [--concurrency N]
import BenchmarkSupport
import Foundation
import SWGateServer
import SWGateStore

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../..").standardized
let certificates = root.appendingPathComponent("Certificates").path
let template = try String(contentsOf: root.appendingPathComponent("Benchmarks/Fixtures/formd-5kb.xml"), encoding: .utf8)
let concurrency = 64

if CommandLine.arguments.contains("--peers") {
    try await runPeers(certificates: certificates, template: template, token: DevelopmentToken.submitter, concurrency: concurrency)
}

let quick = CommandLine.arguments.contains("--quick")

func option(_ name: String) -> Int? {
    guard let index = CommandLine.arguments.firstIndex(of: name), index + 1 < CommandLine.arguments.count else { return nil }
    return Int(CommandLine.arguments[index + 1])
}

print("machine: \(machineDescription())")
print("date: \(Date())  load average: \(loadAverage())")
let rsaBefore = opensslRSA2048()
if let rsa = rsaBefore { print(String(format: "openssl rsa2048 before: %.0f sign/s, %.0f verify/s", rsa.sign, rsa.verify)) }

let peers = try PeersProcess()
print("peers process (simulators + load generator): pid \(peers.pid), nsw port \(peers.nswPort), asw port \(peers.aswPort)")
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("server-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

var configuration = GatewayConfiguration()
configuration.listen.port = 0
configuration.storePath = directory.appendingPathComponent("gateway.sqlite").path
configuration.certificatesDirectory = certificates
configuration.destinations["nsw"]?.url = "http://127.0.0.1:\(peers.nswPort)/nsw"
configuration.destinations["asw"]?.url = "http://127.0.0.1:\(peers.aswPort)/as4"
configuration.logLevel = "error"
if let perDestination = option("--concurrency") {
    for name in ["nsw", "asw"] { configuration.destinations[name]?.concurrency = perDestination }
}
print("delivery concurrency per destination: \(configuration.destinations["nsw"]?.concurrency ?? 0)")
let gateway = try GatewayServer(configuration: configuration)

// Only the listener runs during intake: delivery is paused, so intake is measured alone.
let (listeningStream, listening) = AsyncStream<Int>.makeStream()
let listener = try gateway.host.service(onListening: { port in listening.yield(port) })
let listenerTask = Task { try await listener.runService() }
let port = await firstValue(listeningStream)

/// Runs the load generator and prints its figures with the CPU each process spent per request.
@MainActor func intake(_ name: String, first: Int, count: Int, rate: Double?) -> PeersProcess.LoadResult {
    let gatewayCPU = ProcessCPU.selfSeconds()
    let peersCPU = ProcessCPU.seconds(pid: peers.pid)
    let r = peers.load(port: port, first: first, count: count, rate: rate)
    print(
        String(
            format: "%@: %.0f 202/s  p50 %.1f ms  p99 %.1f ms  max %.1f ms  failures %d  CPU per request: gateway %.0f µs, load generator %.0f µs",
            name, r.perSecond, r.p50, r.p99, r.max, r.failures, (ProcessCPU.selfSeconds() - gatewayCPU) / Double(count) * 1e6,
            (ProcessCPU.seconds(pid: peers.pid) - peersCPU) / Double(count) * 1e6))
    return r
}

let intakeCount = quick ? 3_000 : 10_000
let pacedCount = quick ? 2_000 : 5_000

// 1. Intake alone.
_ = peers.load(port: port, first: 0, count: 500, rate: nil)  // warm-up
_ = intake(String(format: "intake, %d clients, max (delivery paused)", concurrency), first: 1_000, count: intakeCount, rate: nil)
_ = intake("intake paced at 1000/s (delivery paused)", first: 100_000, count: pacedCount, rate: 1_000)
let intakeRSS = ProcessMemory.peakMiB(pid: nil)

// 2. Relay of everything intake queued; the listener keeps running (idle).
let queued = 500 + intakeCount + pacedCount
let gatewayCPU = ProcessCPU.selfSeconds()
let peersCPU = ProcessCPU.seconds(pid: peers.pid)
let start = ContinuousClock.now
let engineTask = Task { await gateway.engine.run() }
// The gateway's in-memory counters, not a store query: polling the store would cost the gateway.
func delivered() -> Int { gateway.metrics.counts(destination: "nsw").delivered + gateway.metrics.counts(destination: "asw").delivered }
while (ContinuousClock.now - start).seconds < 900, delivered() < queued * 2 {
    try await Task.sleep(for: .milliseconds(20))
}
// The counters move when the answer is verified; the last outcomes are committed a moment later.
while (ContinuousClock.now - start).seconds < 900, try await gateway.store.stats().total(.delivered) < queued * 2 {
    try await Task.sleep(for: .milliseconds(5))
}
let relaySeconds = (ContinuousClock.now - start).seconds
let relayGatewayCPU = ProcessCPU.selfSeconds() - gatewayCPU
let relayPeersCPU = ProcessCPU.seconds(pid: peers.pid) - peersCPU
let stats = try await gateway.store.stats()
print(
    String(
        format: "relay: %d Form D to nsw and asw in %.2f s: %.0f deliveries/s, %.0f Form D/s end to end (both partners); %d delivered, %d dead/failed",
        queued, relaySeconds, Double(queued * 2) / relaySeconds, Double(queued) / relaySeconds, stats.total(.delivered),
        stats.total(.dead) + stats.total(.failed)))
print(
    String(
        format: "relay CPU per Form D: gateway %.0f µs, simulators %.0f µs (CPU use: gateway %.2f cores, simulators %.2f cores)",
        relayGatewayCPU / Double(queued) * 1e6, relayPeersCPU / Double(queued) * 1e6, relayGatewayCPU / relaySeconds,
        relayPeersCPU / relaySeconds))
let metricsText = gateway.metrics.render(stats: nil).split(separator: "\n")
for name in ["nsw", "asw"] {
    func value(_ series: String) -> Double {
        metricsText.first { $0.hasPrefix("swgate_delivery_seconds_\(series){destination=\"\(name)\"}") }
            .flatMap { $0.split(separator: " ").last }.flatMap { Double($0) } ?? 0
    }
    print(
        String(
            format: "  %@: mean attempt %.1f ms (sign, store the signed bytes, HTTP exchange, verify the answer)", name,
            value("sum") / max(1, value("count")) * 1000))
}
gateway.engine.stop()
await engineTask.value
listenerTask.cancel()

print(
    String(
        format: "peak RSS: gateway process %.0f MiB after intake, %.0f MiB after relay; peers process (simulators + load generator) %.0f MiB",
        intakeRSS, ProcessMemory.peakMiB(pid: nil), ProcessMemory.peakMiB(pid: peers.pid)))
peers.stop()
if let rsa = opensslRSA2048() { print(String(format: "openssl rsa2048 after: %.0f sign/s, %.0f verify/s", rsa.sign, rsa.verify)) }
print("load average: \(loadAverage())")
// Top-level `defer` does not run before `exit`: remove the store (hundreds of MB) explicitly.
try? FileManager.default.removeItem(at: directory)
exit(0)

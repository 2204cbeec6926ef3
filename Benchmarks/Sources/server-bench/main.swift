// server-bench: the gateway over real HTTP on loopback, alone in its process.
//
// The benchmark re-executes itself with `--peers`: that child runs the NSW and ASW simulators
// (real signatures: they verify the gateway's and sign their answers) and the load generator
// (64 clients on kept-alive blocking sockets posting 5 KB Form Ds to POST /v1/certificates), all on
// 127.0.0.1. It exits when its stdin closes, which happens when this process ends for any reason.
// This process holds only the gateway, so its CPU time and RSS are the gateway's.
//
// 1. Intake with delivery paused (only the HTTP listener runs): max rate, then paced at 1,000/s.
// 2. Relay: the engine is started on the queue that intake left and delivers it to both
//    simulators; the time until every delivery is `delivered` gives relay and end-to-end rates.
// 3. Latency: with the engine running, Form Ds paced at 300/s; accept-to-delivered per Form D
//    (both partners) from the store's accepted and delivered times.
// 4. Peak RSS and CPU seconds of each process, and `openssl speed rsa2048` at the start, between
//    intake and relay, after the relay and at the end; a summary that states every delivery-cost
//    figure as a ratio to the openssl rate measured on either side of the phase it comes from.
//
// The simulators sign their answers with ECDSA P-256 (`--rsa-partners`: RSA-2048, as real
// partners may), so that the end-to-end rate measures the gateway; the gateway's own signatures
// are RSA-2048 either way.
//
// Run: swift run -c release --package-path Benchmarks server-bench [--quick] [--concurrency N] [--rsa-partners] [--latency-rate N] [--clients N] [--intake-count N]
// (`--concurrency`: attempts in flight per destination, default 16; `--clients`: load generator clients, default 64)
import BenchmarkSupport
import Foundation
import SWGateSecurity
import SWGateServer
import SWGateStore

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../..").standardized
let certificates = root.appendingPathComponent("Certificates").path
let template = try String(contentsOf: root.appendingPathComponent("Benchmarks/Fixtures/formd-5kb.xml"), encoding: .utf8)

func option(_ name: String) -> Int? {
    guard let index = CommandLine.arguments.firstIndex(of: name), index + 1 < CommandLine.arguments.count else { return nil }
    return Int(CommandLine.arguments[index + 1])
}

/// The load generator's clients (the intake phases' concurrency).
let concurrency = option("--clients") ?? 64

// The benchmark runs on a main-actor task while the main thread runs the main run loop, not as
// top-level asynchronous code: with an asynchronous main, the main thread parks in libdispatch's
// signal wait, which valgrind (`Benchmarks/scripts/relay-instructions.sh`) cannot run. It must run
// on the main thread: its calls to the peers process block their thread, and on one of the
// cooperative pool's threads (two on a 2-core machine) they would take half of the gateway's.
Task { @MainActor in
    do {
        try await benchmark()
    } catch {
        print("server-bench: \(error)")
        exit(1)
    }
    exit(0)
}
RunLoop.main.run()

@MainActor func benchmark() async throws {
    // The log handler `swgate serve` installs (text format), in both processes: swift-log's
    // `StreamLogHandler` formats the logger's metadata whenever a key is set, on every request.
    TextLogHandler.bootstrap()

    if CommandLine.arguments.contains("--peers") {
        try await runPeers(
            certificates: certificates, template: template, token: DevelopmentToken.submitter, concurrency: concurrency,
            ecdsa: CommandLine.arguments.contains("--ecdsa-partners"))
    }

    let quick = CommandLine.arguments.contains("--quick")
    /// `--instructions N`: the mode `Benchmarks/scripts/relay-instructions.sh` runs under callgrind.
    let instructionsCount = option("--instructions")
    let ecdsaPartners = !CommandLine.arguments.contains("--rsa-partners")

    print("machine: \(machineDescription())")
    print("date: \(Date())  load average: \(loadAverage())")
    /// `openssl speed rsa2048` now, printed as measured `when`.
    func measuredRSA(_ when: String) -> (sign: Double, verify: Double)? {
        let rsa = opensslRSA2048()
        if let rsa { print(String(format: "openssl rsa2048 %@: %.0f sign/s, %.0f verify/s", when, rsa.sign, rsa.verify)) }
        return rsa
    }
    let rsaBefore = instructionsCount == nil ? measuredRSA("before") : nil

    let peers =
        if let fifo = ProcessInfo.processInfo.environment["SERVER_BENCH_PEERS_FIFO"] {
            try PeersProcess(input: fifo + ".in", output: fifo + ".out")
        } else {
            try PeersProcess(ecdsa: ecdsaPartners, clients: concurrency)
        }
    print("partner simulators sign with \(ecdsaPartners ? "ECDSA P-256 (bench mode)" : "RSA-2048"); the gateway signs with RSA-2048")
    print("peers process (simulators + load generator): pid \(peers.pid), nsw port \(peers.nswPort), asw port \(peers.aswPort)")
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("server-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

    var configuration = GatewayConfiguration()
    configuration.listen.port = 0
    configuration.storePath = directory.appendingPathComponent("gateway.sqlite").path
    configuration.certificatesDirectory = certificates
    if ecdsaPartners {
        // The simulators' answers are signed with the development ECDSA certificate: pin it for the NSW and the ASW.
        var security = SecurityConfiguration.development(directory: certificates)
        for index in security.partners.indices where ["NSW-VN", "TH"].contains(security.partners[index].id) {
            security.partners[index].certificateFiles.append(certificates + "/ecdsa.pem")
        }
        configuration.security = security
    }
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

    /// Voluntary and involuntary context switches of this process's threads so far.
    func threadSwitches() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_nvcsw + usage.ru_nivcsw
    }

    /// Runs the load generator and prints its figures with the CPU each process spent per request.
    func intake(_ name: String, first: Int, count: Int, rate: Double?) -> (load: PeersProcess.LoadResult, gatewayCPU: Double) {
        let gatewayCPU = ProcessCPU.selfSeconds()
        let gatewaySystem = ProcessCPU.selfSplit().system
        let peersCPU = ProcessCPU.seconds(pid: peers.pid)
        let r = peers.load(port: port, first: first, count: count, rate: rate)
        let perRequest = (ProcessCPU.selfSeconds() - gatewayCPU) / Double(count)
        let systemPerRequest = (ProcessCPU.selfSplit().system - gatewaySystem) / Double(count)
        print(
            String(
                format:
                    "%@: %.0f 202/s  p50 %.1f ms  p99 %.1f ms  max %.1f ms  failures %d  CPU per request: gateway %.0f µs (%.0f µs in the kernel), load generator %.0f µs",
                name, r.perSecond, r.p50, r.p99, r.max, r.failures, perRequest * 1e6, systemPerRequest * 1e6,
                (ProcessCPU.seconds(pid: peers.pid) - peersCPU) / Double(count) * 1e6))
        return (r, perRequest)
    }

    // `--instructions N`: 100 Form D accepted and delivered to both partners as a warm-up, then N more
    // with the engine running, and the process exits. Run under callgrind twice with two values of N,
    // the difference of the two totals divided by the difference of N is the gateway's instructions
    // per Form D, intake and both deliveries together, the warm-up and set-up cancelled out.
    // With `--intake-only`, the engine does not run: the count is intake's alone. With `--paced R`,
    // the N Form D are offered at R per second (the latency phase's load) instead of as fast as accepted.
    if let count = instructionsCount {
        let intakeOnly = CommandLine.arguments.contains("--intake-only")
        let pacedRate = option("--paced").map(Double.init)
        let engineTask = Task { if !intakeOnly { await gateway.engine.run() } }
        for (first, n, total) in [(1_000, 100, 100), (10_000, count, 100 + count)] {
            let start = ContinuousClock.now
            let cpu = ProcessCPU.selfSeconds()
            let written = ProcessIO.writtenBytes()
            let load = peers.load(port: port, first: first, count: n, rate: first == 1_000 ? nil : pacedRate)
            while !intakeOnly, (ContinuousClock.now - start).seconds < 1_800,
                gateway.metrics.counts(destination: "nsw").delivered + gateway.metrics.counts(destination: "asw").delivered < total * 2
            {
                try await Task.sleep(for: .milliseconds(20))
            }
            print(
                "accepted \(n) (failures \(load.failures))\(intakeOnly ? "" : " and delivered to both") in \((ContinuousClock.now - start).seconds) s, "
                    + String(
                        format: "gateway CPU %.0f µs and %.1f KB written per Form D", (ProcessCPU.selfSeconds() - cpu) / Double(n) * 1e6,
                        (ProcessIO.writtenBytes() - written) / Double(n) / 1000)
            )
        }
        gateway.engine.stop()
        await engineTask.value
        listenerTask.cancel()
        peers.stop()
        try? FileManager.default.removeItem(at: directory)
        exit(0)
    }

    let intakeCount = option("--intake-count") ?? (quick ? 3_000 : 10_000)
    let pacedCount = quick ? 2_000 : 5_000

    // 1. Intake alone.
    _ = peers.load(port: port, first: 0, count: 500, rate: nil)  // warm-up
    let intakeMax = intake(String(format: "intake, %d clients, max (delivery paused)", concurrency), first: 1_000, count: intakeCount, rate: nil)
    _ = intake("intake paced at 1000/s (delivery paused)", first: 100_000, count: pacedCount, rate: 1_000)
    let intakeRSS = ProcessMemory.peakMiB(pid: nil)
    // The machine's speed swings within minutes: each phase's figures are set against the openssl
    // rates measured on either side of it, not only at the start and the end of the run.
    let rsaBetween = measuredRSA("between intake and relay")

    /// The store's units of work and transactions, and the bytes the process wrote, per Form D since
    /// `before` / `writtenBefore`, for `count` Form D (a line of the report, prefixed with `label`).
    func printStoreWrites(_ label: String, since before: StoreCounters?, writtenBefore: Double, count: Int) {
        guard let before, let after = (gateway.store as? SQLiteOutboxStore)?.counters else { return }
        let n = Double(count)
        print(
            String(
                format: "%@ store writes per Form D: %.1f units in %.2f transactions; %.1f KB written (write-ahead log, checkpoints and sockets)",
                label, Double(after.units - before.units) / n, Double(after.transactions - before.transactions) / n,
                (ProcessIO.writtenBytes() - writtenBefore) / n / 1000))
    }

    // 2. Relay of everything intake queued; the listener keeps running (idle).
    let queued = 500 + intakeCount + pacedCount
    let gatewayCPU = ProcessCPU.selfSeconds()
    let gatewaySplit = ProcessCPU.selfSplit()
    let peersCPU = ProcessCPU.seconds(pid: peers.pid)
    let relayWritten = ProcessIO.writtenBytes()
    let relayCounters = (gateway.store as? SQLiteOutboxStore)?.counters
    let relaySwitches = threadSwitches()
    let relayParses = gateway.security.documentsParsedForSigning
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
    let relaySystemCPU = ProcessCPU.selfSplit().system - gatewaySplit.system
    let relayPeersCPU = ProcessCPU.seconds(pid: peers.pid) - peersCPU
    let relaySwitchesPerFormD = Double(threadSwitches() - relaySwitches) / Double(queued)
    printStoreWrites("relay", since: relayCounters, writtenBefore: relayWritten, count: queued)
    let rsaAfterRelay = measuredRSA("after the relay")
    print(
        String(
            format: "relay: Form D parsed for signing: %.2f per Form D (1 when the second delivery finds the first one's parse)",
            Double(gateway.security.documentsParsedForSigning - relayParses) / Double(queued)))
    let stats = try await gateway.store.stats()
    print(
        String(
            format:
                "relay: %d Form D to nsw and asw in %.2f s: %.0f deliveries/s, %.0f Form D/s end to end (both partners); %d delivered, %d dead/failed",
            queued, relaySeconds, Double(queued * 2) / relaySeconds, Double(queued) / relaySeconds, stats.total(.delivered),
            stats.total(.dead) + stats.total(.failed)))
    print(
        String(
            format:
                "relay CPU per Form D: gateway %.0f µs (%.0f µs of it in the kernel), simulators %.0f µs (CPU use: gateway %.2f cores, simulators %.2f cores); gateway thread switches per Form D: %.1f",
            relayGatewayCPU / Double(queued) * 1e6, relaySystemCPU / Double(queued) * 1e6, relayPeersCPU / Double(queued) * 1e6,
            relayGatewayCPU / relaySeconds,
            relayPeersCPU / relaySeconds, relaySwitchesPerFormD))
    let metricsText = gateway.metrics.render(stats: nil).split(separator: "\n")
    // The answers are queued as callbacks for the portal in the transaction that records them (part of
    // the cost measured); the portal destination is a closed port here, so they are not delivered.
    let callbacks = stats.rows.filter { $0.destination == "portal" }.map(\.count).reduce(0, +)
    print(
        String(
            format: "callbacks queued for the portal: %d (%.1f per Form D; not delivered in this benchmark)", callbacks,
            Double(callbacks) / Double(queued)))
    let portalStates = stats.rows.filter { $0.destination == "portal" }.map { "\($0.state) \($0.count)" }.joined(separator: ", ")
    let portalFailures = metricsText.filter { $0.hasPrefix("swgate_failed_attempts_total{destination=\"portal\"") }
        .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
    print(String(format: "  portal callbacks by state: %@; failed attempts during the relay: %.0f", portalStates, portalFailures))
    for name in ["nsw", "asw"] {
        func value(_ series: String) -> Double {
            metricsText.first { $0.hasPrefix("swgate_delivery_seconds_\(series){destination=\"\(name)\"}") }
                .flatMap { $0.split(separator: " ").last }.flatMap { Double($0) } ?? 0
        }
        print(
            String(
                format: "  %@: mean attempt %.1f ms (sign, HTTP exchange, verify the answer)", name,
                value("sum") / max(1, value("count")) * 1000))
    }

    // 3. Latency with the engine running: Form Ds offered at 300/s (`--latency-rate N`: N/s), accept-to-delivered to both partners.
    let latencyRate = option("--latency-rate") ?? 300
    let latencyCount = (quick ? 10 : 20) * latencyRate
    let latencyStart = Date()
    let latencyGatewayCPU = ProcessCPU.selfSeconds()
    let latencyCounters = (gateway.store as? SQLiteOutboxStore)?.counters
    let latencyWritten = ProcessIO.writtenBytes()
    let latencyWall = ContinuousClock.now
    let paced = peers.load(port: port, first: 200_000, count: latencyCount, rate: Double(latencyRate))
    let expected = queued * 2 + latencyCount * 2
    // In-memory counters while it runs (polling the store would cost the gateway CPU and page cache),
    // then the store for the last commits, as in the relay phase.
    while (ContinuousClock.now - latencyWall).seconds < 300, delivered() < expected {
        try await Task.sleep(for: .milliseconds(20))
    }
    while (ContinuousClock.now - latencyWall).seconds < 300, try await gateway.store.stats().total(.delivered) < expected {
        try await Task.sleep(for: .milliseconds(5))
    }
    let latencySteadyCPU = (ProcessCPU.selfSeconds() - latencyGatewayCPU) / Double(latencyCount)
    printStoreWrites("latency phase (intake and both deliveries)", since: latencyCounters, writtenBefore: latencyWritten, count: latencyCount)
    // Before the query below, which reads every delivery of the phase through a reader connection.
    let gatewayPeakRSS = ProcessMemory.peakMiB(pid: nil)
    let deliveredRows = try await gateway.store.deliveries(matching: DeliveryFilter(states: [.delivered], acceptedSince: latencyStart))
    var acceptToDelivered: [String: (accepted: Date, delivered: Date, count: Int)] = [:]
    for row in deliveredRows {
        let previous = acceptToDelivered[row.messageID]
        acceptToDelivered[row.messageID] = (row.acceptedAt, max(previous?.delivered ?? row.updatedAt, row.updatedAt), (previous?.count ?? 0) + 1)
    }
    let latencies = acceptToDelivered.values.filter { $0.count == 2 }.map { $0.delivered.timeIntervalSince($0.accepted) }
    print(
        String(
            format:
                "accept-to-delivered (both partners), %d Form D offered at %d/s (%.0f 202/s, %d failures): %d complete, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (store times, 1 ms resolution); gateway CPU %.0f µs per Form D at this rate",
            latencyCount, latencyRate, paced.perSecond, paced.failures, latencies.count, percentile(latencies, 0.5) * 1000,
            percentile(latencies, 0.9) * 1000,
            percentile(latencies, 0.99) * 1000, (latencies.max() ?? 0) * 1000, latencySteadyCPU * 1e6))
    // The same by second of acceptance: whether a queue built up at the start, in bursts or throughout.
    let complete = acceptToDelivered.values.filter { $0.count == 2 }
    if let first = complete.map(\.accepted).min() {
        var bySecond: [Int: [Double]] = [:]
        for entry in complete {
            bySecond[Int(entry.accepted.timeIntervalSince(first)), default: []].append(entry.delivered.timeIntervalSince(entry.accepted))
        }
        print(
            "  by second of acceptance (p50/max ms): "
                + bySecond.keys.sorted().map { String(format: "%.0f/%.0f", percentile(bySecond[$0]!, 0.5) * 1000, (bySecond[$0]!.max() ?? 0) * 1000) }
                .joined(separator: " "))
    }

    gateway.engine.stop()
    await engineTask.value
    listenerTask.cancel()

    print(
        String(
            format:
                "peak RSS: gateway process %.0f MiB after intake, %.0f MiB at the end of the latency phase; peers process (simulators + load generator) %.0f MiB",
            intakeRSS, gatewayPeakRSS, ProcessMemory.peakMiB(pid: peers.pid)))
    peers.stop()
    let rsaAfter = measuredRSA("after")
    print("load average: \(loadAverage())")

    // 4. The delivery-cost summary: every figure against the openssl sign rate measured on either
    // side of its phase (intake: at the start and between intake and relay; relay: between and after it).
    func mean(_ rates: [Double?]) -> Double {
        let known = rates.compactMap { $0 }
        return known.isEmpty ? .nan : known.reduce(0, +) / Double(known.count)
    }
    let signRates = [rsaBefore?.sign, rsaBetween?.sign, rsaAfterRelay?.sign, rsaAfter?.sign]
    let signRate = mean(signRates)
    let intakeSignRate = mean([rsaBefore?.sign, rsaBetween?.sign])
    let relaySignRate = mean([rsaBetween?.sign, rsaAfterRelay?.sign])
    let relayPerFormD = relayGatewayCPU / Double(queued)
    let perFormD = intakeMax.gatewayCPU + relayPerFormD
    // In signatures: each part divided by the cost of three signatures at its own phase's rate.
    let intakeSignatures = intakeMax.gatewayCPU / (3 / intakeSignRate)
    let relaySignatures = relayPerFormD / (3 / relaySignRate)
    let ratio = intakeSignatures + relaySignatures
    let endToEnd = Double(queued) / relaySeconds
    print("")
    print(
        String(
            format:
                "SUMMARY (openssl rsa2048 sign/s: %@ at the start, between intake and relay, after the relay, at the end; intake's %.0f, the relay's %.0f)",
            signRates.map { $0.map { String(format: "%.0f", $0) } ?? "?" }.joined(separator: ", "), intakeSignRate, relaySignRate))
    print(
        String(
            format:
                "  gateway CPU per Form D delivered to both: %.0f µs (intake %.0f + relay %.0f) = %.2f × three signatures (intake %.2f + relay %.2f; %.2f × at the run's mean rate %.0f)   [target ≤ 1.7 ×: %@]",
            perFormD * 1e6, intakeMax.gatewayCPU * 1e6, relayPerFormD * 1e6, ratio, intakeSignatures, relaySignatures,
            perFormD / (3 / signRate), signRate, ratio <= 1.7 ? "met" : "not met"))
    print(
        String(
            format: "  intake CPU per accepted message (delivery paused): %.0f µs   [target ≤ 150 µs: %@]", intakeMax.gatewayCPU * 1e6,
            intakeMax.gatewayCPU <= 150e-6 ? "met" : "not met"))
    print(
        String(
            format: "  intake rate (delivery paused, %d clients): %.0f/s = %.2f × sign rate   [target ≥ 2 ×: %@]", concurrency,
            intakeMax.load.perSecond, intakeMax.load.perSecond / intakeSignRate, intakeMax.load.perSecond / intakeSignRate >= 2 ? "met" : "not met"))
    print(
        String(
            format:
                "  end to end (both partners, simulators in their own process, %@ partners): %.0f Form D/s = %.3f × sign rate   [target ≥ 0.25 ×: %@]",
            ecdsaPartners ? "ECDSA" : "RSA", endToEnd, endToEnd / relaySignRate, endToEnd / relaySignRate >= 0.25 ? "met" : "not met"))
    print(
        String(
            format: "  accept-to-delivered at %d Form D/s offered: p50 %.1f ms, p99 %.1f ms   [target p99 ≤ 50 ms at 300/s: %@]", latencyRate,
            percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000,
            latencyRate != 300 ? "not the target's rate" : percentile(latencies, 0.99) <= 0.050 && latencies.count == latencyCount ? "met" : "not met"
        ))
    print(
        String(
            format: "  gateway peak RSS: %.0f MiB   [target ≤ 150 MB (143 MiB): %@]", gatewayPeakRSS,
            gatewayPeakRSS * 1.048576 <= 150 ? "met" : "not met"))
    // Top-level `defer` does not run before `exit`: remove the store (hundreds of MB) explicitly.
    try? FileManager.default.removeItem(at: directory)
    exit(0)
}

// outbox-bench: durable enqueue rate (group commit vs one transaction per message), claim-and-complete
// rate, and resume time / peak memory of a restarted gateway with a deep queue.
// Run: swift run -c release --package-path Benchmarks outbox-bench [--quick | --enqueue-only | --single-only | --history N]
//      [--checkpoints-on-writer]
import BenchmarkSupport
import Foundation
import SWGateDelivery
import SWGateStore
import Synchronization

let arguments = CommandLine.arguments
let payload = Data(repeating: UInt8(ascii: "x"), count: 5 * 1024)

func message(_ wireID: String, conversation: String) -> NewMessage {
    NewMessage(
        wireMessageID: wireID, conversation: conversation, documentType: "ATIGA-FORM-D", function: .issue, source: "portal",
        payloads: [OutboundPayload(destination: "nsw", body: payload, contentType: "application/xml")])
}

func temporaryStorePath(_ name: String) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("outbox-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent("\(name).sqlite").path
}

func removeStore(_ path: String) {
    try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let (s, atto) = (ContinuousClock.now - start).components
    return Double(s) + Double(atto) / 1e18
}

/// How the benchmark names conversations (C/O reference numbers).
enum ConversationKeys {
    /// Each producer has its own series: 64 insertion points in the conversation index per batch,
    /// a worst case for the index.
    case perProducer
    /// One national series, numbered in submission order, as issuing authorities number C/Os.
    case sequential
}

let sequence = Atomic<Int>(0)
/// `--checkpoints-on-writer`: enqueue stores without the background checkpointer (for A/B runs).
let checkpointsOnWriter = arguments.contains("--checkpoints-on-writer")

/// `producers` tasks each enqueue `perProducer` 5 KB messages, one after the other.
func enqueueRate(
    groupCommit: Bool, producers: Int, perProducer: Int, keys: ConversationKeys = .perProducer
) async throws -> (rate: Double, perTransaction: Double) {
    let path = try temporaryStorePath("enqueue")
    defer { removeStore(path) }
    var configuration = SQLiteOutboxStore.Configuration()
    configuration.groupCommit = groupCommit
    configuration.backgroundCheckpoints = !checkpointsOnWriter
    let store = try SQLiteOutboxStore(path: path, configuration: configuration)
    let before = store.counters
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for producer in 0..<producers {
            group.addTask {
                for index in 0..<perProducer {
                    let conversation: String
                    switch keys {
                    case .perProducer:
                        conversation = "C-\(producer)-\(index)"
                    case .sequential:
                        let number = sequence.add(1, ordering: .relaxed).newValue
                        conversation = "VN-2026-" + String(String(number).reversed()).padding(toLength: 9, withPad: "0", startingAt: 0).reversed()
                    }
                    _ = try await store.enqueue(message("P\(producer)-\(index)", conversation: conversation))
                }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = seconds(since: start)
    let after = store.counters
    try store.close()
    return (Double(producers * perProducer) / elapsed, Double(after.units - before.units) / Double(after.transactions - before.transactions))
}

/// Fills a store with `count` pending messages (distinct conversations) and closes it.
func fill(_ path: String, count: Int) async throws {
    let store = try SQLiteOutboxStore(path: path)
    let producers = 64
    try await withThrowingTaskGroup(of: Void.self) { group in
        for producer in 0..<producers {
            group.addTask {
                for index in stride(from: producer, to: count, by: producers) {
                    _ = try await store.enqueue(message("F-\(index)", conversation: "C-\(index)"))
                }
            }
        }
        try await group.waitForAll()
    }
    try store.close()
}

/// Claims `nsw` deliveries `batch` at a time as `owner` and completes each as delivered, straight
/// on the store, until a claim finds none.
func deliverAll(_ store: SQLiteOutboxStore, owner: String, batch: Int) async throws {
    while true {
        let claimed = try await store.claim(destination: "nsw", limit: batch, owner: owner, leaseDuration: .seconds(60), now: Date())
        if claimed.isEmpty { return }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for delivery in claimed {
                group.addTask {
                    _ = try await store.complete(
                        DeliveryCompletion(
                            deliveryID: delivery.deliveryID, owner: delivery.owner, startedAt: Date(), duration: .milliseconds(1),
                            outcome: .delivered, httpStatus: 200, transition: .delivered(receipt: nil)))
                }
            }
            try await group.waitForAll()
        }
    }
}

/// Workers claim batches and complete each claimed delivery as delivered, straight on the store.
func claimAndCompleteRate(count: Int, workers: Int, batch: Int) async throws -> Double {
    let path = try temporaryStorePath("claim")
    defer { removeStore(path) }
    try await fill(path, count: count)
    let store = try SQLiteOutboxStore(path: path)
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<workers {
            group.addTask { try await deliverAll(store, owner: "bench-\(worker)", batch: batch) }
        }
        try await group.waitForAll()
    }
    let elapsed = seconds(since: start)
    try store.close()
    return Double(count) / elapsed
}

/// What the store writes (write-ahead log and checkpoints, in bytes), how many transactions it
/// commits and the CPU it spends (this process, µs) per message at a ministry's rate, where every message travels alone: enqueue, claim and
/// completion each in a transaction of their own. Measured over `cycles` messages in a new store,
/// then again after `history` more messages were accepted and delivered: whether a delivery costs
/// more as the store ages. Conversations are numbered as one national series (`VN-2026-000123`).
func loneMessageWrites(history: Int, cycles: Int) async throws -> (fresh: LoneMessageCost, aged: LoneMessageCost) {
    let path = try temporaryStorePath("history")
    defer { removeStore(path) }
    let store = try SQLiteOutboxStore(path: path)
    func conversation(_ index: Int) -> String { "VN-2026-" + String(format: "%07d", index) }
    func lone(from first: Int) async throws -> LoneMessageCost {
        let written = ProcessIO.writtenBytes()
        let cpu = ProcessCPU.selfSeconds()
        let before = store.counters
        for index in first..<(first + cycles) {
            _ = try await store.enqueue(message("L-\(index)", conversation: conversation(index)))
            try await deliverAll(store, owner: "bench", batch: 256)
        }
        let n = Double(cycles)
        return LoneMessageCost(
            bytes: (ProcessIO.writtenBytes() - written) / n, transactions: Double(store.counters.transactions - before.transactions) / n,
            cpuMicroseconds: (ProcessCPU.selfSeconds() - cpu) / n * 1e6)
    }
    let fresh = try await lone(from: 0)
    // The history, accepted by 64 producers and delivered in batches: as fast as the store goes.
    let producers = 64
    try await withThrowingTaskGroup(of: Void.self) { group in
        for producer in 0..<producers {
            group.addTask {
                for index in stride(from: cycles + producer, to: cycles + history, by: producers) {
                    _ = try await store.enqueue(message("H-\(index)", conversation: conversation(index)))
                }
            }
        }
        try await group.waitForAll()
    }
    try await deliverAll(store, owner: "bench", batch: 256)
    let aged = try await lone(from: cycles + history)
    try store.close()
    return (fresh, aged)
}

struct LoneMessageCost {
    var bytes: Double
    var transactions: Double
    var cpuMicroseconds: Double
}

/// A channel that accepts everything at once: measures the engine and the store, not a network.
struct AcceptingChannel: DeliveryChannel {
    func deliver(_ delivery: ClaimedDelivery) async -> DeliveryResult { .delivered(receipt: nil, httpStatus: 200) }
}

/// The whole engine (claim, channel, complete) draining `count` messages.
func engineDrainRate(count: Int) async throws -> Double {
    let path = try temporaryStorePath("engine")
    defer { removeStore(path) }
    try await fill(path, count: count)
    let store = try SQLiteOutboxStore(path: path)
    let engine = DeliveryEngine(
        store: store, destinations: [DeliveryDestination(name: "nsw", channel: AcceptingChannel(), maximumConcurrency: 128)],
        configuration: DeliveryEngineConfiguration(owner: "bench", pollInterval: .milliseconds(5), claimBatch: 128))
    let start = ContinuousClock.now
    let running = Task { await engine.run() }
    while try await store.stats().total(.delivered) < count {
        try await Task.sleep(for: .milliseconds(10))
    }
    let elapsed = seconds(since: start)
    running.cancel()
    await running.value
    try store.close()
    return Double(count) / elapsed
}

/// Peak RSS of this process image from /proc/self/status (VmHWM). getrusage's ru_maxrss would carry
/// over the forked parent's size across exec, hiding the child's own footprint.
func processPeakMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return peakResidentMiB() }
    return kib / 1024
}

/// Child mode: open the store and claim once, as a restarted gateway does; print time and peak RSS.
func resumeChild(path: String) async throws {
    let start = ContinuousClock.now
    let store = try SQLiteOutboxStore(path: path)
    _ = try await store.releaseLeases(owner: "bench", now: Date())
    let claimed = try await store.claim(destination: "nsw", limit: 64, owner: "bench", leaseDuration: .seconds(60), now: Date())
    let elapsed = seconds(since: start)
    print("resume \(elapsed) \(claimed.count) \(processPeakMiB())")
}

/// Spawns this executable in child mode on a store with `count` queued messages.
func resume(queued count: Int) async throws -> (seconds: Double, claimed: Int, peakMiB: Double) {
    let path = try temporaryStorePath("resume")
    defer { removeStore(path) }
    try await fill(path, count: count)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    process.arguments = ["resume-child", path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let fields = output.split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
    guard fields.count == 4, let time = Double(fields[1]), let claimed = Int(fields[2]), let rss = Double(fields[3]) else {
        throw NSError(domain: "outbox-bench", code: 1, userInfo: [NSLocalizedDescriptionKey: "child said: \(output)"])
    }
    return (time, claimed, rss)
}

if arguments.count == 3, arguments[1] == "resume-child" {
    try await resumeChild(path: arguments[2])
    exit(0)
}

let quick = arguments.contains("--quick")
if arguments.contains("--enqueue-only") {
    let grouped = try await enqueueRate(groupCommit: true, producers: 64, perProducer: 400)
    let sequential = try await enqueueRate(groupCommit: true, producers: 64, perProducer: 400, keys: .sequential)
    print("group commit \(Int(grouped.rate))/s (\(grouped.perTransaction) per transaction); sequential C/O numbers \(Int(sequential.rate))/s")
    exit(0)
}
if arguments.contains("--single-only") {
    let single = try await enqueueRate(groupCommit: false, producers: 64, perProducer: 60)
    print("one transaction each \(Int(single.rate))/s")
    exit(0)
}
if let index = arguments.firstIndex(of: "--history"), index + 1 < arguments.count, let history = Int(arguments[index + 1]) {
    let result = try await loneMessageWrites(history: history, cycles: 1_000)
    func line(_ cost: LoneMessageCost) -> String {
        String(format: "%.1f KB written, %.2f transactions, %.0f µs of CPU", cost.bytes / 1000, cost.transactions, cost.cpuMicroseconds)
    }
    print(
        "one message at a time (enqueue, claim, completion), per message: new store \(line(result.fresh)); after \(history) messages delivered \(line(result.aged))"
    )
    exit(0)
}
let deepQueue = quick ? 20_000 : 100_000
print("# outbox-bench")
print("machine: \(machineDescription())")
print("date: \(Date())")
if let rsa = opensslRSA2048(seconds: quick ? 1 : 3) {
    print("openssl rsa2048 reference: \(Int(rsa.sign)) signs/s, \(Int(rsa.verify)) verifies/s")
}
for round in 1...(quick ? 1 : 3) {
    let grouped = try await enqueueRate(groupCommit: true, producers: 64, perProducer: quick ? 100 : 400)
    let sequential = try await enqueueRate(groupCommit: true, producers: 64, perProducer: quick ? 100 : 400, keys: .sequential)
    let single = try await enqueueRate(groupCommit: false, producers: 64, perProducer: quick ? 20 : 60)
    print(
        "round \(round): durable enqueue, 5 KB, 64 producers: group commit \(Int(grouped.rate))/s (\(String(format: "%.1f", grouped.perTransaction)) msgs/transaction), "
            + "with sequential C/O numbers \(Int(sequential.rate))/s; one transaction each \(Int(single.rate))/s")
}
let claimRate = try await claimAndCompleteRate(count: quick ? 5_000 : 20_000, workers: 8, batch: 32)
print("claim-and-complete (store, 8 workers x batch 32): \(Int(claimRate))/s")
let drainRate = try await engineDrainRate(count: quick ? 5_000 : 20_000)
print("engine drain (claim + no-op channel + complete, concurrency 128): \(Int(drainRate))/s")
for count in [1_000, deepQueue] {
    let result = try await resume(queued: count)
    print(
        "resume with \(count) queued: open to first claim \(String(format: "%.3f", result.seconds)) s (\(result.claimed) claimed), peak RSS \(String(format: "%.1f", result.peakMiB)) MiB"
    )
}

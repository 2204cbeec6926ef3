import Foundation
import SWGateDelivery
import SWGateStore
import Synchronization

/// A fresh store in a fresh temporary directory per test, removed afterwards.
func withStore<T>(_ body: (SQLiteOutboxStore, URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swgate-delivery-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try SQLiteOutboxStore(path: directory.appendingPathComponent("outbox.sqlite").path)
    defer { try? store.close() }
    return try await body(store, directory)
}

func message(_ wireID: String, conversation: String, function: MessageFunction = .issue, destinations: [String] = ["nsw"]) -> NewMessage {
    NewMessage(
        wireMessageID: wireID, conversation: conversation, documentType: "ATIGA-FORM-D", function: function, source: "portal",
        payloads: destinations.map { OutboundPayload(destination: $0, body: Data("<FormD id='\(wireID)'/>".utf8), contentType: "application/xml") })
}

/// A channel whose answers a test scripts per wire message id; it records every attempt in order.
final class ScriptedChannel: DeliveryChannel {
    private let state = Mutex<(attempts: [String], script: [String: [DeliveryResult]])>(([], [:]))
    private let fallback: DeliveryResult

    init(fallback: DeliveryResult = .delivered(receipt: nil, httpStatus: 200)) {
        self.fallback = fallback
    }

    /// The next answers for `wireID`, in order; after them, `fallback`.
    func script(_ wireID: String, _ results: [DeliveryResult]) {
        state.withLock { $0.script[wireID] = results }
    }

    var attempts: [String] { state.withLock { $0.attempts } }

    func deliver(_ delivery: ClaimedDelivery) async -> DeliveryResult {
        state.withLock { state in
            state.attempts.append(delivery.wireMessageID)
            guard var queue = state.script[delivery.wireMessageID], !queue.isEmpty else { return fallback }
            let next = queue.removeFirst()
            state.script[delivery.wireMessageID] = queue
            return next
        }
    }
}

let transient503 = DeliveryResult.failed(DeliveryFailure(.httpServerError, "HTTP 503", httpStatus: 503))
let permanent400 = DeliveryResult.failed(DeliveryFailure(.httpClientError, "HTTP 400", httpStatus: 400))

/// A fast retry policy for tests: tiny delays, so tests do not wait on backoff.
func fastRetry(attempts: Int = 50) -> RetryPolicy {
    RetryPolicy(maximumAttempts: attempts, maximumAge: .seconds(3600), backoff: Backoff(initial: .milliseconds(5), maximum: .milliseconds(20)))
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass; returns whether it held. It
/// returns as soon as the condition holds; the bound only stops a test that would fail anyway, and
/// is generous because the whole suite runs in one process at once: a single poll can wait behind
/// hundreds of other tests' tasks on two threads (with three test processes at once, three
/// attempts that take 50 ms alone once took more than 20 s).
func eventually(within seconds: Double = 60, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// Runs the engine in the background while `body` runs, then stops it.
func whileRunning<T>(_ engine: DeliveryEngine, _ body: () async throws -> T) async rethrows -> T {
    let task = Task { await engine.run() }
    defer { task.cancel() }
    let result = try await body()
    task.cancel()
    await task.value
    return result
}

// A child process for the crash-safety test (SWGateDeliveryTests/CrashSafetyTests.swift).
//
// It enqueues `--count` messages, writing each wire id to stdout only after `enqueue` returned (that
// is, after the commit), while a delivery engine sends the queue to `--url`. It never exits by
// itself: the test kills it with SIGKILL at random moments and starts it again.
import Foundation
import Logging
import SWGateDelivery
import SWGateStore

// stdout carries only accepted ids; logs go to stderr.
LoggingSystem.bootstrap(StreamLogHandler.standardError)

var arguments: [String: String] = [:]
var index = 1
while index + 1 < CommandLine.arguments.count {
    arguments[CommandLine.arguments[index].replacingOccurrences(of: "--", with: "")] = CommandLine.arguments[index + 1]
    index += 2
}
guard let storePath = arguments["store"], let url = arguments["url"], let prefix = arguments["prefix"] else {
    FileHandle.standardError.write(Data("usage: OutboxCrashHarness --store PATH --url URL --prefix P [--count N] [--interval-ms M]\n".utf8))
    exit(2)
}
let count = Int(arguments["count"] ?? "") ?? 50
let interval = Int(arguments["interval-ms"] ?? "") ?? 5

let store = try SQLiteOutboxStore(path: storePath)
let engine = DeliveryEngine(
    store: store,
    destinations: [
        DeliveryDestination(
            name: "loopback", channel: HTTPPostChannel(url: url, timeout: .seconds(2)), maximumConcurrency: 4,
            circuitBreaker: .init(failureThreshold: 50, coolDown: .milliseconds(100)))
    ],
    configuration: DeliveryEngineConfiguration(
        owner: "crash-harness", leaseDuration: .seconds(3), pollInterval: .milliseconds(50), leaseReapInterval: .milliseconds(500),
        retry: RetryPolicy(maximumAttempts: 10_000, maximumAge: .seconds(3600), backoff: Backoff(initial: .milliseconds(10), maximum: .milliseconds(100)))))
let delivering = Task { await engine.run() }

for number in 0..<count {
    let wireID = "\(prefix)-\(number)"
    let message = NewMessage(
        wireMessageID: wireID, conversation: "CO-\(number % 5)", documentType: "ATIGA-FORM-D", function: number % 5 == 0 ? .issue : .amend,
        source: "portal", idempotencyKey: .submission(client: "harness", key: wireID),
        payloads: [OutboundPayload(destination: "loopback", body: Data("<FormD id='\(wireID)'/>".utf8), contentType: "application/xml")])
    _ = try await store.enqueue(message)
    // Only now, after the commit, does the id count as accepted.
    FileHandle.standardOutput.write(Data("\(wireID)\n".utf8))
    engine.wake()
    try await Task.sleep(for: .milliseconds(interval))
}
FileHandle.standardOutput.write(Data("enqueued-all\n".utf8))
await delivering.value

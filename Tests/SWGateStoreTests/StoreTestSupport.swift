import Foundation
import SWGateStore

/// A fresh temporary directory per test, removed afterwards.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swgate-store-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// A fresh store in a fresh temporary file per test.
func withStore<T>(
    configuration: SQLiteOutboxStore.Configuration = .init(), _ body: (SQLiteOutboxStore, String) async throws -> T
) async throws -> T {
    try await withTemporaryDirectory { directory in
        let path = directory.appendingPathComponent("outbox.sqlite").path
        let store = try SQLiteOutboxStore(path: path, configuration: configuration)
        defer { try? store.close() }
        return try await body(store, path)
    }
}

/// A Form D message for `conversation` with one payload per destination.
func formD(
    _ wireID: String, conversation: String = "VN-2026-0001", function: MessageFunction = .issue, destinations: [String] = ["nsw"],
    key: IdempotencyKey? = nil, body: String? = nil
) -> NewMessage {
    NewMessage(
        wireMessageID: wireID, conversation: conversation, documentType: "ATIGA-FORM-D", function: function, source: "portal",
        idempotencyKey: key, acknowledgement: Data("ack-\(wireID)".utf8),
        payloads: destinations.map {
            OutboundPayload(destination: $0, body: Data((body ?? "<FormD ref='\(conversation)' id='\(wireID)' to='\($0)'/>").utf8), contentType: "application/xml")
        })
}

extension SQLiteOutboxStore {
    /// Claims for `destination` now with a one-minute lease as owner `test`.
    func claimNow(_ destination: String = "nsw", limit: Int = 10, owner: String = "test", at now: Date = Date()) async throws -> [ClaimedDelivery] {
        try await claim(destination: destination, limit: limit, owner: owner, leaseDuration: .seconds(60), now: now)
    }

    @discardableResult
    func finish(_ delivery: ClaimedDelivery, _ transition: DeliveryCompletion.Transition, owner: String = "test") async throws -> CompletionResult {
        let outcome: AttemptOutcome =
            switch transition {
            case .delivered: .delivered
            case .failed: .permanentFailure
            case .retry, .dead: .transientFailure
            }
        return try await complete(
            DeliveryCompletion(
                deliveryID: delivery.deliveryID, owner: owner, startedAt: Date(), duration: .milliseconds(3), outcome: outcome,
                httpStatus: outcome == .delivered ? 200 : 503, error: outcome == .delivered ? nil : "test failure", transition: transition))
    }
}

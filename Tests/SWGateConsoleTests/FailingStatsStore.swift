import Foundation
import SWGateStore
import Synchronization

/// A store whose `stats()` fails with a text that must not reach a page (a path and a host);
/// everything else goes to the SQLite store set in `inner`.
final class FailingStatsStore: OutboxStore {
    static let secretText = "could not read /var/lib/swgate/outbox.sqlite on db-internal.example:5432"
    let inner = Mutex<SQLiteOutboxStore?>(nil)

    private var store: SQLiteOutboxStore {
        get throws {
            guard let store = inner.withLock({ $0 }) else { throw OutboxError(.storeUnavailable, "no store") }
            return store
        }
    }

    func stats() async throws -> OutboxStats { throw OutboxError(.storeUnavailable, Self.secretText) }

    func enqueue(_ message: NewMessage) async throws -> EnqueueResult { try await store.enqueue(message) }
    func claim(destination: String, limit: Int, owner: String, leaseDuration: Duration, now: Date) async throws -> [ClaimedDelivery] {
        try await store.claim(destination: destination, limit: limit, owner: owner, leaseDuration: leaseDuration, now: now)
    }
    func complete(_ completion: DeliveryCompletion) async throws -> CompletionResult { try await store.complete(completion) }
    func recordSignedPayload(deliveryID: Int64, owner: String, body: Data, contentType: String) async throws {
        try await store.recordSignedPayload(deliveryID: deliveryID, owner: owner, body: body, contentType: contentType)
    }
    func releaseLeases(owner: String, now: Date) async throws -> Int { try await store.releaseLeases(owner: owner, now: now) }
    func release(_ deliveryIDs: [Int64], owner: String, now: Date) async throws -> Int {
        try await store.release(deliveryIDs, owner: owner, now: now)
    }
    func reclaimExpiredLeases(now: Date) async throws -> Int { try await store.reclaimExpiredLeases(now: now) }
    func message(id: String) async throws -> MessageRecord? { try await store.message(id: id) }
    func deliveries(matching filter: DeliveryFilter) async throws -> [DeliverySummary] { try await store.deliveries(matching: filter) }
    func payload(deliveryID: Int64) async throws -> StoredPayload? { try await store.payload(deliveryID: deliveryID) }
    func replay(_ request: ReplayRequest) async throws -> [ReplayChange] { try await store.replay(request) }
    func purgeDelivered(before cutoff: Date, actor: String, dryRun: Bool) async throws -> PurgeResult {
        try await store.purgeDelivered(before: cutoff, actor: actor, dryRun: dryRun)
    }
    func auditEntries(messageID: String?) async throws -> [AuditEntry] { try await store.auditEntries(messageID: messageID) }
    func verifyAudit() async throws -> AuditReport { try await store.verifyAudit() }
    func record(_ action: OperatorAction) async throws { try await store.record(action) }
    func close() async throws {}
}

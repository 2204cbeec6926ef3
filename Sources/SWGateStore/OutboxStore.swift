public import Foundation

/// The durable outbox. Everything the gateway accepts goes through it; every state change is
/// committed together with its audit entry.
///
/// Implementations: ``SQLiteOutboxStore`` (embedded, one gateway instance or several processes on
/// one host) and `PostgresOutboxStore` (module `SWGatePostgres`: several gateway instances on one
/// database, with row locks — `SELECT … FOR UPDATE SKIP LOCKED` in
/// ``claim(destination:limit:owner:leaseDuration:now:)`` — and LISTEN/NOTIFY wake-ups); the
/// delivery engine only sees this protocol. See `docs/outbox.md` and `docs/high-availability.md`.
public protocol OutboxStore: Sendable {
    /// Stores a message with one delivery per destination, all `pending`. Returns only once the
    /// message is committed to disk ("accepted means durable"). A repeated idempotency key returns
    /// the original message with `isDuplicate == true`; the same key with different content throws
    /// `.idempotencyConflict`.
    func enqueue(_ message: NewMessage) async throws -> EnqueueResult

    /// Claims up to `limit` deliveries for `destination` that are `pending`, due at `now`, and not
    /// behind an undelivered earlier message of the same conversation to the same destination.
    /// Claimed deliveries become `sending`, leased to `owner` until `now + leaseDuration`.
    func claim(destination: String, limit: Int, owner: String, leaseDuration: Duration, now: Date) async throws -> [ClaimedDelivery]

    /// ``claim(destination:limit:owner:leaseDuration:now:)`` for several destinations at once, in
    /// the order given; a store that can do it in one transaction does (the delivery engine claims
    /// for every destination with free slots in one call, so a Form D for the NSW and the ASW costs
    /// one claim transaction, not two). A destination whose claim failed is listed in `failures`
    /// and claimed nothing; what the others claimed is returned (and leased) all the same.
    func claim(_ requests: [ClaimRequest], owner: String, leaseDuration: Duration, now: Date) async -> ClaimOutcome

    /// Records an attempt and, if `owner` still holds the lease, moves the delivery to its next state.
    func complete(_ completion: DeliveryCompletion) async throws -> CompletionResult

    /// Replaces a delivery's payload with the signed bytes a channel built at its first attempt
    /// (sign at delivery), so retries and replays send exactly those bytes. Only while `owner`
    /// holds the lease (otherwise throws `.leaseLost` and changes nothing); audited as `signed`.
    func recordSignedPayload(deliveryID: Int64, owner: String, body: Data, contentType: String) async throws

    /// Returns `owner`'s own `sending` deliveries to `pending` (a restarted instance calls this at start).
    func releaseLeases(owner: String, now: Date) async throws -> Int

    /// Returns the deliveries `deliveryIDs` that are `sending` and leased to `owner` to `pending`,
    /// without counting an attempt (the engine claimed them ahead and will not attempt them); the
    /// others are left as they are. Returns how many were released.
    func release(_ deliveryIDs: [Int64], owner: String, now: Date) async throws -> Int

    /// Returns every `sending` delivery whose lease expired before `now` to `pending`.
    func reclaimExpiredLeases(now: Date) async throws -> Int

    /// The message with this gateway id or wire message id, with its deliveries, attempts and receipts.
    func message(id: String) async throws -> MessageRecord?

    /// Deliveries matching `filter`, oldest first (newest first when the filter says so).
    func deliveries(matching filter: DeliveryFilter) async throws -> [DeliverySummary]

    /// The bytes delivery `deliveryID` sends (or sent): the signed message once signed. Nil when
    /// there is no such delivery (or its message was purged).
    func payload(deliveryID: Int64) async throws -> StoredPayload?

    /// Puts `failed` and `dead` deliveries back to `pending` with a fresh retry budget, and records
    /// the operator in the audit log. A dry run changes nothing. Unknown ids throw `.unknownID`.
    /// `to` is set exactly for the deliveries this call moved: one that another replay (of this or
    /// another instance) moved first is reported left alone, so that two racing replays of the same
    /// delivery report it replayed once, as the audit log does.
    func replay(_ request: ReplayRequest) async throws -> [ReplayChange]

    /// Removes messages all of whose deliveries were delivered before `cutoff`. Undelivered
    /// messages are never purged. The audit log keeps a `purged` entry per message.
    func purgeDelivered(before cutoff: Date, actor: String, dryRun: Bool) async throws -> PurgeResult

    /// Counts by destination and state, and the oldest pending message.
    func stats() async throws -> OutboxStats

    /// The audit entries, optionally only those about one message.
    func auditEntries(messageID: String?) async throws -> [AuditEntry]

    /// Checks the audit chain end to end.
    func verifyAudit() async throws -> AuditReport

    /// Appends one audit entry for an operator's action that changed no delivery (a sign-in, a
    /// download, a verification run); returns once it is committed.
    func record(_ action: OperatorAction) async throws

    /// Whether the store can take work now (for `/readyz`): nil when ready, else what is wrong.
    func readinessProblem() async -> String?

    /// Calls `wake` whenever another process may have stored work (a message enqueued, a delivery
    /// replayed), until the calling task is cancelled. A store that cannot tell returns at once;
    /// the delivery engine polls as well, so a missed wake-up only delays, never loses, work.
    func watchForWork(_ wake: @escaping @Sendable () -> Void) async throws

    /// Releases the store's connections. The store must not be used afterwards.
    func close() async throws
}

extension OutboxStore {
    /// One destination after the other, each in its own transaction.
    public func claim(_ requests: [ClaimRequest], owner: String, leaseDuration: Duration, now: Date) async -> ClaimOutcome {
        var outcome = ClaimOutcome()
        for request in requests where request.limit > 0 {
            do {
                outcome.claimed += try await claim(
                    destination: request.destination, limit: request.limit, owner: owner, leaseDuration: leaseDuration, now: now)
            } catch {
                outcome.failures.append((request.destination, "\(error)"))
            }
        }
        return outcome
    }

    /// Ready when the store answers a query.
    public func readinessProblem() async -> String? {
        do {
            _ = try await stats()
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// No notifications: the engine's polling finds the work.
    public func watchForWork(_ wake: @escaping @Sendable () -> Void) async throws {}

}

import Foundation
import NIOCore
import PostgresNIO
import SWGateStore

/// Records a run of completions of one group commit in one statement, whatever their number: each
/// delivery locked (in id order), its attempt recorded (also when the lease was lost), its new
/// state written only while its owner still holds the lease, its receipt kept; then their audit
/// entries, and the follow-up messages of the applied ones stored together (`BulkEnqueue`).
///
/// The answers are those of the one-by-one path (`PostgresOutboxStore.complete(_:)`). A run in
/// which one delivery appears twice, or whose follow-up is refused, throws, and the committer
/// falls back to recording the completions one by one.
enum BulkComplete {
    struct Unit: Sendable {
        let completion: DeliveryCompletion
        let followUp: PostgresOutboxStore.PreparedMessage?
    }

    static func store(_ transaction: WriteTransaction, _ units: [Unit]) async throws -> [Result<CompletionResult, OutboxError>] {
        let ids = units.map(\.completion.deliveryID)
        guard Set(ids).count == ids.count else {
            throw BulkEnqueue.Disagreement(detail: "a delivery completed twice in one batch")
        }
        let now = Date().storeMilliseconds
        let completions = units.map(\.completion)
        let changes = completions.map { CompletionChange($0.transition, now: now, error: $0.error ?? "") }
        let receipts = changes.map(\.receipt)
        let signed = completions.map(\.signed)
        // Hashed before the statement, as the one-by-one path does.
        let signedDetails = signed.map { $0?.auditDetail }
        let rows = try await transaction.rows(
            """
            WITH input AS (
                SELECT * FROM unnest(\(ids)::bigint[], \(completions.map(\.owner))::text[],
                    \(completions.map(\.startedAt.storeMilliseconds))::bigint[], \(completions.map(\.duration.milliseconds))::bigint[],
                    \(completions.map(\.outcome.rawValue))::text[],
                    \(completions.map { $0.httpStatus != nil })::bool[], \(completions.map { Int32(clamping: $0.httpStatus ?? 0) })::integer[],
                    \(completions.map { $0.error != nil })::bool[], \(completions.map { $0.error ?? "" })::text[],
                    \(changes.map(\.state.rawValue))::text[],
                    \(changes.map { $0.nextAttempt != nil })::bool[], \(changes.map { $0.nextAttempt ?? 0 })::bigint[],
                    \(changes.map { $0.error != nil })::bool[], \(changes.map { $0.error ?? "" })::text[],
                    \(changes.map { $0.deliveredAt != nil })::bool[],
                    \(receipts.map { $0 != nil })::bool[], \(receipts.map { $0?.contentType ?? "" })::text[],
                    \(receipts.map { ByteBuffer(bytes: $0?.body ?? Data()) })::bytea[],
                    \(signed.map { $0 != nil })::bool[], \(signed.map { $0?.contentType ?? "" })::text[],
                    \(signed.map { ByteBuffer(bytes: $0?.body ?? Data()) })::bytea[])
                    AS i(id, owner, started, duration, outcome, hs, status, he, error, state, hn, next, hse, set_error, hd, hr, rtype, rbody,
                        hsig, stype, sbody)
            ), target AS (
                SELECT d.id, d.state, d.lease_owner, d.attempt_count, d.destination, m.id AS message_id
                FROM delivery d JOIN message m ON m.seq = d.message_seq
                WHERE d.id IN (SELECT id FROM input) ORDER BY d.id FOR UPDATE OF d
            ), tried AS (
                INSERT INTO attempt (delivery_id, number, started_at, duration_ms, outcome, http_status, error, owner)
                SELECT i.id, t.attempt_count, i.started, i.duration, i.outcome, CASE WHEN i.hs THEN i.status END,
                    CASE WHEN i.he THEN i.error END, i.owner
                FROM input i JOIN target t ON t.id = i.id
            ), changed AS (
                UPDATE delivery d SET state = i.state, lease_owner = NULL, lease_expires_at = NULL, updated_at = \(now),
                    next_attempt_at = CASE WHEN i.hn THEN i.next ELSE d.next_attempt_at END,
                    last_error = CASE WHEN i.hse THEN i.set_error ELSE d.last_error END,
                    delivered_at = CASE WHEN i.hd THEN \(now) ELSE d.delivered_at END,
                    content_type = CASE WHEN i.hsig THEN i.stype ELSE d.content_type END,
                    payload = CASE WHEN i.hsig THEN i.sbody ELSE d.payload END
                FROM input i JOIN target t ON t.id = i.id
                WHERE d.id = i.id AND t.state = 'sending' AND t.lease_owner = i.owner
                RETURNING d.id
            ), kept AS (
                INSERT INTO receipt (delivery_id, received_at, content_type, body)
                SELECT i.id, \(now), i.rtype, i.rbody FROM input i JOIN changed c ON c.id = i.id WHERE i.hr
            )
            SELECT t.id, t.attempt_count, t.destination, t.message_id, EXISTS (SELECT 1 FROM changed c WHERE c.id = t.id) AS applied
            FROM target t
            """)
        var found: [Int64: (attempt: Int, destination: String, messageID: String, applied: Bool)] = [:]
        for row in rows {
            found[try row.value("id", as: Int64.self)] = (
                Int(try row.value("attempt_count", as: Int32.self)), try row.value("destination"), try row.value("message_id"),
                try row.value("applied", as: Bool.self)
            )
        }
        var results: [Result<CompletionResult, OutboxError>] = []
        var followUps: [BulkEnqueue.Unit] = []
        for ((unit, change), signedDetail) in zip(zip(units, changes), signedDetails) {
            let completion = unit.completion
            guard let target = found[completion.deliveryID] else {
                results.append(.failure(OutboxError(.unknownID, "no delivery \(completion.deliveryID)")))
                continue
            }
            guard target.applied else {
                results.append(.success(.leaseLost))
                continue
            }
            if case .delivered = completion.transition { transaction.notify = true }
            if let signedDetail {
                try await transaction.append(
                    at: now, event: .signed, messageID: target.messageID, destination: target.destination, actor: completion.owner,
                    detail: signedDetail)
            }
            try await transaction.append(
                at: now, event: change.event, messageID: target.messageID, destination: target.destination, actor: completion.owner,
                detail: change.auditDetail(attempt: target.attempt, completion: completion, now: now))
            if let followUp = unit.followUp { followUps.append(BulkEnqueue.Unit(prepared: followUp, submission: nil)) }
            results.append(.success(.applied))
        }
        if !followUps.isEmpty {
            for result in try await BulkEnqueue.store(transaction, followUps) {
                if case .failure(let error) = result {
                    throw BulkEnqueue.Disagreement(detail: "a follow-up was refused: \(error)")
                }
            }
        }
        return results
    }
}

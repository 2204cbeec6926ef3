public import Foundation
import NIOCore
import PostgresNIO
public import SWGateStore

extension PostgresOutboxStore {
    public func complete(_ completion: DeliveryCompletion) async throws -> CompletionResult {
        let followUp = try completion.followUp.map(PreparedMessage.init)
        return try await committer.performCompletion(BulkComplete.Unit(completion: completion, followUp: followUp)) { transaction in
            let result = try await Self.apply(transaction, completion)
            if result == .applied, let followUp { _ = try await Self.insert(transaction, followUp) }
            return result
        }
    }

    /// The completion in one statement: the delivery locked, the attempt recorded (also when the
    /// lease was lost), the new state written only while `owner` still holds the lease, the
    /// receipt kept with it; then the audit entry.
    private static func apply(_ transaction: WriteTransaction, _ completion: DeliveryCompletion) async throws -> CompletionResult {
        let now = Date().storeMilliseconds
        let id = completion.deliveryID
        let owner = completion.owner
        let error = completion.error ?? ""
        let change = CompletionChange(completion.transition, now: now, error: error)
        let receipt = change.receipt
        let signed = completion.signed
        let signedDetail = signed?.auditDetail
        guard
            let row = try await transaction.rows(
                """
                WITH target AS (
                    SELECT d.id, d.state, d.lease_owner, d.attempt_count, d.destination, m.id AS message_id
                    FROM delivery d JOIN message m ON m.seq = d.message_seq WHERE d.id = \(id) FOR UPDATE OF d
                ), tried AS (
                    INSERT INTO attempt (delivery_id, number, started_at, duration_ms, outcome, http_status, error, owner)
                    SELECT id, attempt_count, \(completion.startedAt.storeMilliseconds), \(completion.duration.milliseconds),
                        \(completion.outcome.rawValue), \(completion.httpStatus.map { Int32(clamping: $0) }), \(completion.error), \(owner)
                    FROM target
                ), changed AS (
                    UPDATE delivery d SET state = \(change.state.rawValue), lease_owner = NULL, lease_expires_at = NULL, updated_at = \(now),
                        next_attempt_at = COALESCE(\(change.nextAttempt)::bigint, d.next_attempt_at),
                        last_error = COALESCE(\(change.error)::text, d.last_error),
                        delivered_at = COALESCE(\(change.deliveredAt)::bigint, d.delivered_at),
                        content_type = COALESCE(\(signed?.contentType)::text, d.content_type),
                        payload = CASE WHEN \(signed != nil) THEN \(ByteBuffer(bytes: signed?.body ?? Data())) ELSE d.payload END
                    FROM target WHERE d.id = target.id AND target.state = 'sending' AND target.lease_owner = \(owner)
                    RETURNING d.id
                ), kept AS (
                    INSERT INTO receipt (delivery_id, received_at, content_type, body)
                    SELECT id, \(now), \(receipt?.contentType ?? ""), \(ByteBuffer(bytes: receipt?.body ?? Data())) FROM changed WHERE \(receipt != nil)
                )
                SELECT target.attempt_count, target.destination, target.message_id, EXISTS (SELECT 1 FROM changed) AS applied FROM target
                """
            ).first
        else {
            throw OutboxError(.unknownID, "no delivery \(id)")
        }
        guard try row.value("applied", as: Bool.self) else { return .leaseLost }
        let messageID: String = try row.value("message_id")
        let destination: String = try row.value("destination")
        let attempt = Int(try row.value("attempt_count", as: Int32.self))
        if case .delivered = completion.transition {
            // The next delivery of the conversation may now be free, for any instance.
            transaction.notify = true
        }
        if let signedDetail {
            try await transaction.append(at: now, event: .signed, messageID: messageID, destination: destination, actor: owner, detail: signedDetail)
        }
        let detail = change.auditDetail(attempt: attempt, completion: completion, now: now)
        try await transaction.append(at: now, event: change.event, messageID: messageID, destination: destination, actor: owner, detail: detail)
        return .applied
    }

    public func recordSignedPayload(deliveryID: Int64, owner: String, body: Data, contentType: String) async throws {
        let now = Date().storeMilliseconds
        let detail = SignedPayload(contentType: contentType, body: body).auditDetail
        try await write { transaction in
            // The payload is replaced only under a live lease of `owner`; when nothing matched,
            // a second look says why.
            guard
                let row = try await transaction.rows(
                    """
                    UPDATE delivery d SET payload = \(body), content_type = \(contentType), updated_at = \(now)
                    FROM message m
                    WHERE d.id = \(deliveryID) AND d.state = 'sending' AND d.lease_owner = \(owner) AND m.seq = d.message_seq
                    RETURNING d.destination, m.id AS message_id
                    """
                ).first
            else {
                guard try await transaction.rows("SELECT 1 FROM delivery WHERE id = \(deliveryID)").isEmpty else {
                    throw OutboxError(.leaseLost, "delivery \(deliveryID) is not leased to \(owner)")
                }
                throw OutboxError(.unknownID, "no delivery \(deliveryID)")
            }
            try await transaction.append(
                at: now, event: .signed, messageID: try row.value("message_id"), destination: try row.value("destination"), actor: owner,
                detail: detail)
        }
    }

    public func releaseLeases(owner: String, now: Date) async throws -> Int {
        let condition: PostgresQuery = "d.state = 'sending' AND d.lease_owner = \(owner)"
        return try await reclaim(where: condition, now: now, actor: owner, detail: "released at start of its owner")
    }

    public func release(_ deliveryIDs: [Int64], owner: String, now: Date) async throws -> Int {
        guard !deliveryIDs.isEmpty else { return 0 }
        let condition: PostgresQuery = "d.state = 'sending' AND d.lease_owner = \(owner) AND d.id = ANY(\(deliveryIDs))"
        return try await reclaim(
            where: condition, now: now, actor: owner, detail: "claimed ahead and released unattempted by its owner", unattempted: true)
    }

    public func reclaimExpiredLeases(now: Date) async throws -> Int {
        let condition: PostgresQuery = "d.state = 'sending' AND d.lease_expires_at < \(now.storeMilliseconds)"
        return try await reclaim(where: condition, now: now, actor: "lease-reaper", detail: "lease expired")
    }

    /// Returns the `sending` deliveries matching `condition` to `pending`.
    /// `unattempted`: the claim's count of an attempt is taken back (the delivery was not sent).
    private func reclaim(
        where condition: PostgresQuery, now: Date, actor: String, detail: String, unattempted: Bool = false
    ) async throws(OutboxError) -> Int {
        let nowMS = now.storeMilliseconds
        let takenBack: Int64 = unattempted ? 1 : 0
        let select = PostgresQuery(
            unsafeSQL: """
                SELECT d.id, d.destination, d.lease_owner, m.id AS message_id
                FROM delivery d JOIN message m ON m.seq = d.message_seq WHERE \(condition.sql) ORDER BY d.id FOR UPDATE OF d
                """, binds: condition.binds)
        return try await write { transaction in
            let rows = try await transaction.rows(select)
            for row in rows {
                let id: Int64 = try row.value("id")
                try await transaction.rows(
                    """
                    UPDATE delivery SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, updated_at = \(nowMS),
                    attempt_count = attempt_count - \(takenBack), budget_attempts = budget_attempts - \(takenBack) WHERE id = \(id)
                    """)
                let previousOwner = try row.value("lease_owner", as: String?.self) ?? "?"
                try await transaction.append(
                    at: nowMS, event: .leaseReclaimed, messageID: try row.value("message_id"), destination: try row.value("destination"),
                    actor: actor, detail: "\(detail) (was leased to \(previousOwner))")
            }
            if !rows.isEmpty { transaction.notify = true }
            return rows.count
        }
    }
}

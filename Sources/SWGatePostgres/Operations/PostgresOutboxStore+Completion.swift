public import Foundation
import PostgresNIO
public import SWGateStore

extension PostgresOutboxStore {
    public func complete(_ completion: DeliveryCompletion) async throws -> CompletionResult {
        let followUp = try completion.followUp.map(PreparedMessage.init)
        return try await write { transaction in
            let result = try await Self.apply(transaction, completion)
            if result == .applied, let followUp { _ = try await Self.insert(transaction, followUp) }
            return result
        }
    }

    private static func apply(_ transaction: WriteTransaction, _ completion: DeliveryCompletion) async throws -> CompletionResult {
        guard
            let row = try await transaction.rows(
                """
                SELECT d.state, d.lease_owner, d.attempt_count, d.destination, m.id AS message_id
                FROM delivery d JOIN message m ON m.seq = d.message_seq WHERE d.id = \(completion.deliveryID) FOR UPDATE OF d
                """
            ).first
        else {
            throw OutboxError(.unknownID, "no delivery \(completion.deliveryID)")
        }
        let now = Date().storeMilliseconds
        let messageID: String = try row.value("message_id")
        let destination: String = try row.value("destination")
        let attempt = Int(try row.value("attempt_count", as: Int32.self))
        let httpStatus = completion.httpStatus.map { Int32(clamping: $0) }
        try await transaction.rows(
            """
            INSERT INTO attempt (delivery_id, number, started_at, duration_ms, outcome, http_status, error, owner)
            VALUES (\(completion.deliveryID), \(Int32(clamping: attempt)), \(completion.startedAt.storeMilliseconds),
                \(completion.duration.milliseconds), \(completion.outcome.rawValue), \(httpStatus), \(completion.error), \(completion.owner))
            """)
        let state: String = try row.value("state")
        let leaseOwner: String? = try row.value("lease_owner")
        guard state == DeliveryState.sending.rawValue, leaseOwner == completion.owner else { return .leaseLost }
        let id = completion.deliveryID
        let owner = completion.owner
        let error = completion.error ?? ""
        switch completion.transition {
        case .delivered(let receipt):
            try await setState(transaction, id, .delivered, now: now, nextAttempt: nil, error: nil, deliveredAt: now)
            if let receipt {
                try await transaction.rows(
                    "INSERT INTO receipt (delivery_id, received_at, content_type, body) VALUES (\(id), \(now), \(receipt.contentType), \(receipt.body))"
                )
            }
            try await transaction.append(
                at: now, event: .delivered, messageID: messageID, destination: destination, actor: owner,
                detail: "attempt \(attempt)" + (completion.httpStatus.map { ", HTTP \($0)" } ?? "") + (receipt == nil ? "" : ", receipt kept"))
            // The next delivery of the conversation may now be free, for any instance.
            transaction.notify = true
        case .retry(let at):
            let next = at.storeMilliseconds
            try await setState(transaction, id, .pending, now: now, nextAttempt: next, error: error, deliveredAt: nil)
            try await transaction.append(
                at: now, event: .retryScheduled, messageID: messageID, destination: destination, actor: owner,
                detail: "attempt \(attempt) failed (\(completion.outcome)): \(error); next attempt at \(next)")
        case .failed:
            try await setState(transaction, id, .failed, now: now, nextAttempt: nil, error: error, deliveredAt: nil)
            try await transaction.append(
                at: now, event: .failed, messageID: messageID, destination: destination, actor: owner,
                detail: "attempt \(attempt) failed permanently: \(error)")
        case .dead:
            try await setState(transaction, id, .dead, now: now, nextAttempt: nil, error: error, deliveredAt: nil)
            try await transaction.append(
                at: now, event: .dead, messageID: messageID, destination: destination, actor: owner,
                detail: "retry budget spent after attempt \(attempt): \(error)")
        }
        return .applied
    }

    private static func setState(
        _ transaction: WriteTransaction, _ id: Int64, _ state: DeliveryState, now: Int64, nextAttempt: Int64?, error: String?, deliveredAt: Int64?
    ) async throws {
        try await transaction.rows(
            """
            UPDATE delivery SET state = \(state.rawValue), lease_owner = NULL, lease_expires_at = NULL, updated_at = \(now),
                next_attempt_at = COALESCE(\(nextAttempt)::bigint, next_attempt_at), last_error = COALESCE(\(error)::text, last_error),
                delivered_at = COALESCE(\(deliveredAt)::bigint, delivered_at)
            WHERE id = \(id)
            """)
    }

    public func recordSignedPayload(deliveryID: Int64, owner: String, body: Data, contentType: String) async throws {
        let now = Date().storeMilliseconds
        let detail = "\(contentType), \(body.count) bytes, sha256 \(AuditEntry.sha256Hex(body))"
        try await write { transaction in
            guard
                let row = try await transaction.rows(
                    """
                    SELECT d.state, d.lease_owner, d.destination, m.id AS message_id
                    FROM delivery d JOIN message m ON m.seq = d.message_seq WHERE d.id = \(deliveryID) FOR UPDATE OF d
                    """
                ).first
            else {
                throw OutboxError(.unknownID, "no delivery \(deliveryID)")
            }
            let state: String = try row.value("state")
            let leaseOwner: String? = try row.value("lease_owner")
            guard state == DeliveryState.sending.rawValue, leaseOwner == owner else {
                throw OutboxError(.leaseLost, "delivery \(deliveryID) is not leased to \(owner)")
            }
            try await transaction.rows(
                "UPDATE delivery SET payload = \(body), content_type = \(contentType), updated_at = \(now) WHERE id = \(deliveryID)")
            try await transaction.append(
                at: now, event: .signed, messageID: try row.value("message_id"), destination: try row.value("destination"), actor: owner,
                detail: detail)
        }
    }

    public func releaseLeases(owner: String, now: Date) async throws -> Int {
        let condition: PostgresQuery = "d.state = 'sending' AND d.lease_owner = \(owner)"
        return try await reclaim(where: condition, now: now, actor: owner, detail: "released at start of its owner")
    }

    public func reclaimExpiredLeases(now: Date) async throws -> Int {
        let condition: PostgresQuery = "d.state = 'sending' AND d.lease_expires_at < \(now.storeMilliseconds)"
        return try await reclaim(where: condition, now: now, actor: "lease-reaper", detail: "lease expired")
    }

    /// Returns the `sending` deliveries matching `condition` (one bound parameter) to `pending`.
    private func reclaim(where condition: PostgresQuery, now: Date, actor: String, detail: String) async throws(OutboxError) -> Int {
        let nowMS = now.storeMilliseconds
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
                    "UPDATE delivery SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, updated_at = \(nowMS) WHERE id = \(id)")
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

public import Foundation
import GRDB

extension SQLiteOutboxStore {
    /// Ready: pending, due, and no earlier delivery of the same conversation to the same destination
    /// that is not yet delivered (pending, sending, failed and dead all block). Earlier deliveries
    /// are found through the `conversation_key` index (see `ConversationKey`).
    private static let readySQL = """
        SELECT d.id FROM delivery d
        WHERE d.destination = ? AND d.state = 'pending' AND d.next_attempt_at <= ?
          AND NOT EXISTS (
            SELECT 1 FROM delivery e
            WHERE e.conversation_key = d.conversation_key AND e.id < d.id
              AND e.destination = d.destination AND e.conversation = d.conversation AND e.state <> 'delivered')
        ORDER BY d.next_attempt_at, d.id
        LIMIT ?
        """

    public func claim(destination: String, limit: Int, owner: String, leaseDuration: Duration, now: Date) async throws -> [ClaimedDelivery] {
        try await claimAll([ClaimRequest(destination: destination, limit: limit)], owner: owner, leaseDuration: leaseDuration, now: now)
    }

    /// Every destination's claim in one store unit: one transaction (shared with other queued
    /// units by group commit) for all of them. If it fails, every destination of the call is
    /// listed as failed with the store's error, and nothing was claimed.
    public func claim(_ requests: [ClaimRequest], owner: String, leaseDuration: Duration, now: Date) async -> ClaimOutcome {
        do {
            return ClaimOutcome(claimed: try await claimAll(requests, owner: owner, leaseDuration: leaseDuration, now: now))
        } catch {
            return ClaimOutcome(failures: requests.filter { $0.limit > 0 }.map { ($0.destination, "\(error)") })
        }
    }

    private func claimAll(_ requests: [ClaimRequest], owner: String, leaseDuration: Duration, now: Date) async throws -> [ClaimedDelivery] {
        let requests = requests.filter { $0.limit > 0 }
        guard !requests.isEmpty else { return [] }
        let nowMS = now.storeMilliseconds
        let expires = nowMS + leaseDuration.milliseconds
        return try await write { db in
            var claimed: [ClaimedDelivery] = []
            for request in requests {
                claimed += try Self.claim(db, destination: request.destination, limit: request.limit, owner: owner, nowMS: nowMS, expires: expires)
            }
            return claimed
        }
    }

    private static func claim(_ db: Database, destination: String, limit: Int, owner: String, nowMS: Int64, expires: Int64) throws -> [ClaimedDelivery] {
        let ids = try Int64.fetchAll(db.cachedStatement(sql: Self.readySQL), arguments: [destination, nowMS, limit])
        var claimed: [ClaimedDelivery] = []
        for id in ids {
            try db.cachedStatement(
                sql: """
                    UPDATE delivery SET state = 'sending', lease_owner = ?, lease_expires_at = ?,
                        attempt_count = attempt_count + 1, budget_attempts = budget_attempts + 1, updated_at = ?
                    WHERE id = ?
                    """
            ).execute(arguments: [owner, expires, nowMS, id])
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT d.id, d.destination, d.conversation, d.payload, d.content_type, d.budget_attempts,
                                d.budget_started_at, m.id AS message_id, m.wire_message_id, m.function, m.source, m.summary, m.accepted_at
                            FROM delivery d JOIN message m ON m.seq = d.message_seq WHERE d.id = ?
                            """),
                    arguments: [id])
            else { continue }
            // Columns by position, in the order of the SELECT: a lookup by name lowercases and
            // searches the names on every access, twelve times per claimed delivery.
            let delivery = ClaimedDelivery(
                deliveryID: id, messageID: row[7], wireMessageID: row[8], destination: row[1], conversation: row[2],
                function: MessageFunction(row[9]), payload: row[3], contentType: row[4], attempt: row[5],
                acceptedAt: Date(storeMilliseconds: row[12]), budgetStartedAt: Date(storeMilliseconds: row[6]), owner: owner,
                leaseExpiresAt: Date(storeMilliseconds: expires), source: row[10], summary: row[11])
            try AuditLog.append(
                db, at: nowMS, event: .sending, messageID: delivery.messageID, destination: destination, actor: owner,
                detail: "attempt \(delivery.attempt), lease until \(expires)")
            claimed.append(delivery)
        }
        return claimed
    }

    public func complete(_ completion: DeliveryCompletion) async throws -> CompletionResult {
        if let followUp = completion.followUp { try Self.validate(followUp) }
        let followUp = completion.followUp.map(PreparedMessage.init)
        return try await write { db in
            let result = try Self.apply(db, completion)
            if result == .applied, let followUp { _ = try Self.insert(db, followUp) }
            return result
        }
    }

    private static func apply(_ db: Database, _ completion: DeliveryCompletion) throws -> CompletionResult {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT d.state, d.lease_owner, d.attempt_count, d.destination, m.id AS message_id
                        FROM delivery d JOIN message m ON m.seq = d.message_seq WHERE d.id = ?
                        """),
                arguments: [completion.deliveryID])
        else {
            throw OutboxError(.unknownID, "no delivery \(completion.deliveryID)")
        }
        let now = Date().storeMilliseconds
        // Columns by position, in the order of the SELECT.
        let state: String = row[0]
        let leaseOwner: String? = row[1]
        let attempt: Int = row[2]
        let destination: String = row[3]
        let messageID: String = row[4]
        try db.cachedStatement(
            sql: """
                INSERT INTO attempt (delivery_id, number, started_at, duration_ms, outcome, http_status, error, owner)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            completion.deliveryID, attempt, completion.startedAt.storeMilliseconds, completion.duration.milliseconds,
            completion.outcome.rawValue, completion.httpStatus, completion.error, completion.owner,
        ])
        guard state == DeliveryState.sending.rawValue, leaseOwner == completion.owner else {
            return .leaseLost
        }
        let error = completion.error ?? ""
        switch completion.transition {
        case .delivered(let receipt):
            try setState(db, completion.deliveryID, .delivered, now: now, nextAttempt: nil, error: nil, deliveredAt: now)
            if let receipt {
                try db.cachedStatement(sql: "INSERT INTO receipt (delivery_id, received_at, content_type, body) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [completion.deliveryID, now, receipt.contentType, receipt.body])
            }
            try AuditLog.append(
                db, at: now, event: .delivered, messageID: messageID, destination: destination, actor: completion.owner,
                detail: "attempt \(attempt)" + (completion.httpStatus.map { ", HTTP \($0)" } ?? "") + (receipt == nil ? "" : ", receipt kept"))
        case .retry(let at):
            let next = at.storeMilliseconds
            try setState(db, completion.deliveryID, .pending, now: now, nextAttempt: next, error: error, deliveredAt: nil)
            try AuditLog.append(
                db, at: now, event: .retryScheduled, messageID: messageID, destination: destination, actor: completion.owner,
                detail: "attempt \(attempt) failed (\(completion.outcome)): \(error); next attempt at \(next)")
        case .failed:
            try setState(db, completion.deliveryID, .failed, now: now, nextAttempt: nil, error: error, deliveredAt: nil)
            try AuditLog.append(
                db, at: now, event: .failed, messageID: messageID, destination: destination, actor: completion.owner,
                detail: "attempt \(attempt) failed permanently: \(error)")
        case .dead:
            try setState(db, completion.deliveryID, .dead, now: now, nextAttempt: nil, error: error, deliveredAt: nil)
            try AuditLog.append(
                db, at: now, event: .dead, messageID: messageID, destination: destination, actor: completion.owner,
                detail: "retry budget spent after attempt \(attempt): \(error)")
        }
        return .applied
    }

    private static func setState(
        _ db: Database, _ id: Int64, _ state: DeliveryState, now: Int64, nextAttempt: Int64?, error: String?, deliveredAt: Int64?
    ) throws {
        try db.cachedStatement(
            sql: """
                UPDATE delivery SET state = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?,
                    next_attempt_at = COALESCE(?, next_attempt_at), last_error = COALESCE(?, last_error),
                    delivered_at = COALESCE(?, delivered_at)
                WHERE id = ?
                """
        ).execute(arguments: [state.rawValue, now, nextAttempt, error, deliveredAt, id])
    }

    public func releaseLeases(owner: String, now: Date) async throws -> Int {
        try await reclaim(
            where: "d.state = 'sending' AND d.lease_owner = ?", argument: owner.databaseValue, now: now, actor: owner,
            detail: "released at start of its owner")
    }

    public func reclaimExpiredLeases(now: Date) async throws -> Int {
        try await reclaim(
            where: "d.state = 'sending' AND d.lease_expires_at < ?", argument: now.storeMilliseconds.databaseValue, now: now, actor: "lease-reaper",
            detail: "lease expired")
    }

    private func reclaim(where condition: String, argument: DatabaseValue, now: Date, actor: String, detail: String) async throws(OutboxError) -> Int {
        let nowMS = now.storeMilliseconds
        return try await write { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT d.id, d.destination, d.lease_owner, m.id AS message_id FROM delivery d JOIN message m ON m.seq = d.message_seq WHERE \(condition)",
                arguments: [argument])
            for row in rows {
                try db.execute(
                    sql: "UPDATE delivery SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ?",
                    arguments: [nowMS, row["id"]])
                let previousOwner: String = row["lease_owner"] ?? "?"
                try AuditLog.append(
                    db, at: nowMS, event: .leaseReclaimed, messageID: row["message_id"], destination: row["destination"], actor: actor,
                    detail: "\(detail) (was leased to \(previousOwner))")
            }
            return rows.count
        }
    }
}

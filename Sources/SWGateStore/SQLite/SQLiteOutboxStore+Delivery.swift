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

    private static func claim(_ db: Database, destination: String, limit: Int, owner: String, nowMS: Int64, expires: Int64) throws
        -> [ClaimedDelivery]
    {
        let ids = try Int64.fetchAll(db.cachedStatement(sql: Self.readySQL), arguments: [destination, nowMS, limit])
        var claimed: [ClaimedDelivery] = []
        // Bound and read straight on SQLite's statements (`DirectStatement`): GRDB's arguments and
        // row copies cost more than the statements themselves on the writer thread.
        let lease = DirectStatement(
            try db.cachedStatement(
                sql: """
                    UPDATE delivery SET state = 'sending', lease_owner = ?, lease_expires_at = ?,
                        attempt_count = attempt_count + 1, budget_attempts = budget_attempts + 1, updated_at = ?,
                        first_claimed_at = COALESCE(first_claimed_at, ?)
                    WHERE id = ?
                    """))
        let read = DirectStatement(
            try db.cachedStatement(
                sql: """
                    SELECT d.destination, d.conversation, d.payload, d.content_type, d.budget_attempts, d.budget_started_at,
                        m.id, m.wire_message_id, m.function, m.source, m.summary, m.accepted_at, d.first_claimed_at
                    FROM delivery d JOIN message m ON m.seq = d.message_seq WHERE d.id = ?
                    """))
        for id in ids {
            lease.bind(owner, at: 1)
            lease.bind(expires, at: 2)
            lease.bind(nowMS, at: 3)
            lease.bind(nowMS, at: 4)
            lease.bind(id, at: 5)
            try lease.execute()
            read.bind(id, at: 1)
            let found = try read.fetchOne { row in
                ClaimedDelivery(
                    deliveryID: id, messageID: row.string(6) ?? "", wireMessageID: row.string(7) ?? "", destination: row.string(0) ?? "",
                    conversation: row.string(1) ?? "", function: MessageFunction(row.string(8) ?? ""), payload: row.data(2) ?? Data(),
                    contentType: row.string(3) ?? "", attempt: Int(row.int64(4)), acceptedAt: Date(storeMilliseconds: row.int64(11)),
                    budgetStartedAt: Date(storeMilliseconds: row.int64(5)), owner: owner, leaseExpiresAt: Date(storeMilliseconds: expires),
                    source: row.string(9) ?? "portal", summary: row.data(10), firstClaimedAt: Date(storeMilliseconds: row.int64(12)))
            }
            guard let delivery = found else { continue }
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
        let signedDetail = completion.signed?.auditDetail
        return try await write { db in
            let result = try Self.apply(db, completion, signedDetail: signedDetail)
            if result == .applied, let followUp { _ = try Self.insert(db, followUp) }
            return result
        }
    }

    private static func apply(_ db: Database, _ completion: DeliveryCompletion, signedDetail: String?) throws -> CompletionResult {
        let read = DirectStatement(
            try db.cachedStatement(
                sql: """
                    SELECT d.state, d.lease_owner, d.attempt_count, d.destination, m.id
                    FROM delivery d JOIN message m ON m.seq = d.message_seq WHERE d.id = ?
                    """))
        read.bind(completion.deliveryID, at: 1)
        guard
            let (state, leaseOwner, attempt, destination, messageID) = try read.fetchOne({ row in
                (row.string(0) ?? "", row.string(1), Int(row.int64(2)), row.string(3) ?? "", row.string(4) ?? "")
            })
        else {
            throw OutboxError(.unknownID, "no delivery \(completion.deliveryID)")
        }
        let now = Date().storeMilliseconds
        let insertAttempt = DirectStatement(
            try db.cachedStatement(
                sql: """
                    INSERT INTO attempt (delivery_id, number, started_at, duration_ms, outcome, http_status, error, owner)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """))
        insertAttempt.bind(completion.deliveryID, at: 1)
        insertAttempt.bind(Int64(attempt), at: 2)
        insertAttempt.bind(completion.startedAt.storeMilliseconds, at: 3)
        insertAttempt.bind(completion.duration.milliseconds, at: 4)
        insertAttempt.bind(completion.outcome.rawValue, at: 5)
        insertAttempt.bind(completion.httpStatus.map(Int64.init), at: 6)
        insertAttempt.bind(completion.error, at: 7)
        insertAttempt.bind(completion.owner, at: 8)
        try insertAttempt.execute()
        guard state == DeliveryState.sending.rawValue, leaseOwner == completion.owner else {
            return .leaseLost
        }
        // The signed message replaces the unsigned document in the transition's own update.
        let signed = completion.signed
        if let signedDetail {
            try AuditLog.append(
                db, at: now, event: .signed, messageID: messageID, destination: destination, actor: completion.owner, detail: signedDetail)
        }
        let error = completion.error ?? ""
        switch completion.transition {
        case .delivered(let receipt):
            try setState(db, completion.deliveryID, .delivered, now: now, nextAttempt: nil, error: nil, deliveredAt: now, signed: signed)
            if let receipt {
                let insertReceipt = DirectStatement(
                    try db.cachedStatement(sql: "INSERT INTO receipt (delivery_id, received_at, content_type, body) VALUES (?, ?, ?, ?)"))
                insertReceipt.bind(completion.deliveryID, at: 1)
                insertReceipt.bind(now, at: 2)
                insertReceipt.bind(receipt.contentType, at: 3)
                try insertReceipt.execute(withBlob: receipt.body, at: 4)
            }
            try AuditLog.append(
                db, at: now, event: .delivered, messageID: messageID, destination: destination, actor: completion.owner,
                detail: "attempt \(attempt)" + (completion.httpStatus.map { ", HTTP \($0)" } ?? "") + (receipt == nil ? "" : ", receipt kept"))
        case .retry(let at):
            let next = at.storeMilliseconds
            try setState(db, completion.deliveryID, .pending, now: now, nextAttempt: next, error: error, deliveredAt: nil, signed: signed)
            try AuditLog.append(
                db, at: now, event: .retryScheduled, messageID: messageID, destination: destination, actor: completion.owner,
                detail: "attempt \(attempt) failed (\(completion.outcome)): \(error); next attempt at \(next)")
        case .failed:
            try setState(db, completion.deliveryID, .failed, now: now, nextAttempt: nil, error: error, deliveredAt: nil, signed: signed)
            try AuditLog.append(
                db, at: now, event: .failed, messageID: messageID, destination: destination, actor: completion.owner,
                detail: "attempt \(attempt) failed permanently: \(error)")
        case .dead:
            try setState(db, completion.deliveryID, .dead, now: now, nextAttempt: nil, error: error, deliveredAt: nil, signed: signed)
            try AuditLog.append(
                db, at: now, event: .dead, messageID: messageID, destination: destination, actor: completion.owner,
                detail: "retry budget spent after attempt \(attempt): \(error)")
        }
        return .applied
    }

    private static func setState(
        _ db: Database, _ id: Int64, _ state: DeliveryState, now: Int64, nextAttempt: Int64?, error: String?, deliveredAt: Int64?,
        signed: SignedPayload?
    ) throws {
        let update = DirectStatement(
            try db.cachedStatement(
                sql: """
                    UPDATE delivery SET state = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?,
                        next_attempt_at = COALESCE(?, next_attempt_at), last_error = COALESCE(?, last_error),
                        delivered_at = COALESCE(?, delivered_at), content_type = COALESCE(?, content_type),
                        payload = COALESCE(?, payload)
                    WHERE id = ?
                    """))
        update.bind(state.rawValue, at: 1)
        update.bind(now, at: 2)
        update.bind(nextAttempt, at: 3)
        update.bind(error, at: 4)
        update.bind(deliveredAt, at: 5)
        update.bind(signed?.contentType, at: 6)
        update.bind(id, at: 8)
        if let signed {
            try update.execute(withBlob: signed.body, at: 7)
        } else {
            update.bind(nil as Data?, at: 7)
            try update.execute()
        }
    }

    public func releaseLeases(owner: String, now: Date) async throws -> Int {
        try await reclaim(
            where: "d.state = 'sending' AND d.lease_owner = ?", arguments: [owner], now: now, actor: owner,
            detail: "released at start of its owner")
    }

    public func release(_ deliveryIDs: [Int64], owner: String, now: Date) async throws -> Int {
        guard !deliveryIDs.isEmpty else { return 0 }
        let marks = Array(repeating: "?", count: deliveryIDs.count).joined(separator: ", ")
        return try await reclaim(
            where: "d.state = 'sending' AND d.lease_owner = ? AND d.id IN (\(marks))",
            arguments: StatementArguments([owner.databaseValue] + deliveryIDs.map(\.databaseValue)), now: now, actor: owner,
            detail: "claimed ahead and released unattempted by its owner", unattempted: true)
    }

    public func reclaimExpiredLeases(now: Date) async throws -> Int {
        try await reclaim(
            where: "d.state = 'sending' AND d.lease_expires_at < ?", arguments: [now.storeMilliseconds], now: now, actor: "lease-reaper",
            detail: "lease expired")
    }

    /// `unattempted`: the claim's count of an attempt is taken back (the delivery was not sent).
    private func reclaim(
        where condition: String, arguments: StatementArguments, now: Date, actor: String, detail: String, unattempted: Bool = false
    ) async throws(OutboxError) -> Int {
        let nowMS = now.storeMilliseconds
        return try await write { db in
            let rows = try Row.fetchAll(
                db,
                sql:
                    "SELECT d.id, d.destination, d.lease_owner, m.id AS message_id FROM delivery d JOIN message m ON m.seq = d.message_seq WHERE \(condition)",
                arguments: arguments)
            for row in rows {
                try db.execute(
                    sql: "UPDATE delivery SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, updated_at = ?"
                        + (unattempted ? ", attempt_count = attempt_count - 1, budget_attempts = budget_attempts - 1" : "") + " WHERE id = ?",
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

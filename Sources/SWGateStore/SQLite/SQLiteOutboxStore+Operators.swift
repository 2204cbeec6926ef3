public import Foundation
import GRDB

extension SQLiteOutboxStore {
    public func replay(_ request: ReplayRequest) async throws -> [ReplayChange] {
        if request.dryRun {
            // A dry run only reads: it cannot change anything, even by accident.
            return try await read { db in try Self.replayPlan(db, request) }
        }
        return try await write { db in
            let plan = try Self.replayPlan(db, request)
            let now = request.now.storeMilliseconds
            for change in plan where change.to != nil {
                try db.execute(
                    sql: """
                        UPDATE delivery SET state = 'pending', next_attempt_at = ?, budget_attempts = 0, budget_started_at = ?,
                            lease_owner = NULL, lease_expires_at = NULL, updated_at = ?, first_claimed_at = NULL
                        WHERE id = ? AND state IN ('failed', 'dead')
                        """,
                    arguments: [now, now, now, change.deliveryID])
                try AuditLog.append(
                    db, at: now, event: .replayed, messageID: change.messageID, destination: change.destination,
                    actor: request.operatorName, detail: "replayed from \(change.from.rawValue) by \(request.operatorName)")
            }
            return plan
        }
    }

    /// Which deliveries a replay touches. Explicit ids must all exist (else `.unknownID`); those of
    /// their deliveries that are not failed or dead are listed with `to == nil`.
    static func replayPlan(_ db: Database, _ request: ReplayRequest) throws -> [ReplayChange] {
        let replayable: Set<DeliveryState> = [.failed, .dead]
        switch request.selection {
        case .messages(let ids):
            var changes: [ReplayChange] = []
            for id in ids {
                guard let message = try fetchMessage(db, id: id) else {
                    throw OutboxError(.unknownID, "no message with id \(id)")
                }
                for delivery in message.deliveries where request.destination == nil || delivery.destination == request.destination {
                    changes.append(
                        ReplayChange(
                            messageID: message.id, deliveryID: delivery.id, destination: delivery.destination, from: delivery.state,
                            to: replayable.contains(delivery.state) ? .pending : nil))
                }
            }
            return changes
        case .filter(var filter):
            filter.states = (filter.states ?? replayable).intersection(replayable)
            if let destination = request.destination { filter.destination = destination }
            return try fetchSummaries(db, filter).map { summary in
                ReplayChange(
                    messageID: summary.messageID, deliveryID: summary.deliveryID, destination: summary.destination, from: summary.state,
                    to: .pending)
            }
        }
    }

    /// Messages every delivery of which was delivered before `cutoff`.
    private static let purgeableSQL = """
        SELECT m.seq, m.id FROM message m
        WHERE NOT EXISTS (
            SELECT 1 FROM delivery d
            WHERE d.message_seq = m.seq AND (d.state <> 'delivered' OR d.delivered_at IS NULL OR d.delivered_at >= ?))
        ORDER BY m.seq
        """

    public func purgeDelivered(before cutoff: Date, actor: String, dryRun: Bool) async throws -> PurgeResult {
        let cutoffMS = cutoff.storeMilliseconds
        if dryRun {
            let ids = try await read { db in
                try String.fetchAll(db, sql: Self.purgeableSQL.replacingOccurrences(of: "m.seq, m.id", with: "m.id"), arguments: [cutoffMS])
            }
            return PurgeResult(messageIDs: ids, dryRun: true)
        }
        let ids = try await write { db in
            let rows = try Row.fetchAll(db, sql: Self.purgeableSQL, arguments: [cutoffMS])
            let now = Date().storeMilliseconds
            for row in rows {
                let seq: Int64 = row["seq"]
                // attempts, receipts and deliveries go with the message (ON DELETE CASCADE).
                try db.execute(sql: "DELETE FROM message WHERE seq = ?", arguments: [seq])
                try AuditLog.append(
                    db, at: now, event: .purged, messageID: row["id"], destination: nil, actor: actor,
                    detail: "retention: all deliveries delivered before \(cutoffMS)")
            }
            return rows.map { $0["id"] as String }
        }
        return PurgeResult(messageIDs: ids, dryRun: false)
    }
}

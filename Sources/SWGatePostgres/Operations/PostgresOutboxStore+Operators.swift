public import Foundation
import PostgresNIO
public import SWGateStore

extension PostgresOutboxStore {
    public func replay(_ request: ReplayRequest) async throws -> [ReplayChange] {
        if request.dryRun {
            // A dry run only reads: it cannot change anything, even by accident.
            return try await read { connection in try await Self.replayPlan(connection, request) }
        }
        return try await write { transaction in
            var plan = try await Self.replayPlan(transaction.connection, request)
            let now = request.now.storeMilliseconds
            for index in plan.indices where plan[index].to != nil {
                let change = plan[index]
                let updated = try await transaction.rows(
                    """
                    UPDATE delivery SET state = 'pending', next_attempt_at = \(now), budget_attempts = 0, budget_started_at = \(now),
                        lease_owner = NULL, lease_expires_at = NULL, updated_at = \(now), first_claimed_at = NULL
                    WHERE id = \(change.deliveryID) AND state IN ('failed', 'dead') RETURNING id
                    """)
                guard !updated.isEmpty else {
                    // The plan was read without row locks: a replay committed by another transaction
                    // (or instance) since then moved the delivery. It is reported as it is now, left alone.
                    plan[index].to = nil
                    if let row = try await transaction.rows("SELECT state FROM delivery WHERE id = \(change.deliveryID)").first {
                        plan[index].from = DeliveryState(rawValue: try row.value("state", as: String.self)) ?? change.from
                    }
                    continue
                }
                try await transaction.append(
                    at: now, event: .replayed, messageID: change.messageID, destination: change.destination, actor: request.operatorName,
                    detail: "replayed from \(change.from.rawValue) by \(request.operatorName)")
                transaction.notify = true
            }
            return plan
        }
    }

    /// Which deliveries a replay touches. Explicit ids must all exist (else `.unknownID`); those of
    /// their deliveries that are not failed or dead are listed with `to == nil`.
    private static func replayPlan(_ connection: PostgresConnection, _ request: ReplayRequest) async throws -> [ReplayChange] {
        let replayable: Set<DeliveryState> = [.failed, .dead]
        switch request.selection {
        case .messages(let ids):
            var changes: [ReplayChange] = []
            for id in ids {
                guard let message = try await fetchMessage(connection, id: id) else {
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
            return try await fetchSummaries(connection, filter).map { summary in
                ReplayChange(
                    messageID: summary.messageID, deliveryID: summary.deliveryID, destination: summary.destination, from: summary.state,
                    to: .pending)
            }
        }
    }

    public func purgeDelivered(before cutoff: Date, actor: String, dryRun: Bool) async throws -> PurgeResult {
        let cutoffMS = cutoff.storeMilliseconds
        // Messages every delivery of which was delivered before the cutoff.
        let purgeable: PostgresQuery = """
            SELECT m.seq, m.id FROM message m
            WHERE NOT EXISTS (
                SELECT 1 FROM delivery d
                WHERE d.message_seq = m.seq AND (d.state <> 'delivered' OR d.delivered_at IS NULL OR d.delivered_at >= \(cutoffMS)))
            ORDER BY m.seq
            """
        if dryRun {
            let ids = try await read { connection in
                try await connection.query(purgeable, logger: Self.quietLogger).all().map { try $0.value("id", as: String.self) }
            }
            return PurgeResult(messageIDs: ids, dryRun: true)
        }
        let ids = try await write { transaction in
            let rows = try await transaction.rows(purgeable)
            let now = Date().storeMilliseconds
            var ids: [String] = []
            for row in rows {
                let seq: Int64 = try row.value("seq")
                let id: String = try row.value("id")
                // attempts, receipts and deliveries go with the message (ON DELETE CASCADE).
                try await transaction.rows("DELETE FROM message WHERE seq = \(seq)")
                try await transaction.append(
                    at: now, event: .purged, messageID: id, destination: nil, actor: actor,
                    detail: "retention: all deliveries delivered before \(cutoffMS)")
                ids.append(id)
            }
            return ids
        }
        return PurgeResult(messageIDs: ids, dryRun: false)
    }
}

import Foundation
import GRDB

extension SQLiteOutboxStore {
    public func message(id: String) async throws -> MessageRecord? {
        try await read { db in try Self.fetchMessage(db, id: id) }
    }

    static func fetchMessage(_ db: Database, id: String) throws -> MessageRecord? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM message WHERE id = ? OR wire_message_id = ? ORDER BY (id = ?) DESC, seq LIMIT 1",
                arguments: [id, id, id])
        else { return nil }
        let deliveryRows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, destination, state, content_type, length(payload) AS size, attempt_count, next_attempt_at,
                    lease_owner, lease_expires_at, last_error, updated_at, delivered_at
                FROM delivery WHERE message_seq = ? ORDER BY id
                """,
            arguments: [row["seq"]])
        let deliveries = try deliveryRows.map { d in
            let deliveryID: Int64 = d["id"]
            let state = DeliveryState(rawValue: d["state"]) ?? .pending
            let attempts = try Row.fetchAll(db, sql: "SELECT * FROM attempt WHERE delivery_id = ? ORDER BY id", arguments: [deliveryID]).map { a in
                AttemptRecord(
                    number: a["number"], startedAt: Date(storeMilliseconds: a["started_at"]), durationMilliseconds: a["duration_ms"],
                    outcome: AttemptOutcome(a["outcome"]), httpStatus: a["http_status"], error: a["error"], owner: a["owner"])
            }
            let receipts = try Row.fetchAll(db, sql: "SELECT * FROM receipt WHERE delivery_id = ? ORDER BY id", arguments: [deliveryID]).map { r in
                ReceiptRecord(receivedAt: Date(storeMilliseconds: r["received_at"]), contentType: r["content_type"], body: r["body"])
            }
            return DeliveryRecord(
                id: deliveryID, destination: d["destination"], state: state, contentType: d["content_type"], payloadSize: d["size"],
                attemptCount: d["attempt_count"],
                nextAttemptAt: state == .pending ? Date(storeMilliseconds: d["next_attempt_at"]) : nil,
                leaseOwner: d["lease_owner"], leaseExpiresAt: (d["lease_expires_at"] as Int64?).map(Date.init(storeMilliseconds:)),
                lastError: d["last_error"], updatedAt: Date(storeMilliseconds: d["updated_at"]),
                deliveredAt: (d["delivered_at"] as Int64?).map(Date.init(storeMilliseconds:)), attempts: attempts, receipts: receipts)
        }
        let scope: String? = row["idempotency_scope"]
        let key: String? = row["idempotency_key"]
        return MessageRecord(
            id: row["id"], wireMessageID: row["wire_message_id"], conversation: row["conversation"], documentType: row["document_type"],
            function: MessageFunction(row["function"]), source: row["source"],
            idempotencyKey: scope.flatMap { scope in key.map { IdempotencyKey(scope: scope, key: $0) } },
            acceptedAt: Date(storeMilliseconds: row["accepted_at"]), deliveries: deliveries)
    }

    public func deliveries(matching filter: DeliveryFilter) async throws -> [DeliverySummary] {
        try await read { db in try Self.fetchSummaries(db, filter) }
    }

    static func fetchSummaries(_ db: Database, _ filter: DeliveryFilter) throws -> [DeliverySummary] {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let states = filter.states {
            conditions.append("d.state IN (\(states.map { _ in "?" }.joined(separator: ", ")))")
            for state in states.sorted(by: { $0.rawValue < $1.rawValue }) { arguments.append(state.rawValue) }
        }
        if let destination = filter.destination {
            conditions.append("d.destination = ?")
            arguments.append(destination)
        }
        if let since = filter.acceptedSince {
            conditions.append("m.accepted_at >= ?")
            arguments.append(since.storeMilliseconds)
        }
        if let before = filter.acceptedBefore {
            conditions.append("m.accepted_at < ?")
            arguments.append(before.storeMilliseconds)
        }
        if let id = filter.messageID {
            conditions.append("(m.id = ? OR m.wire_message_id = ?)")
            arguments += [id, id]
        }
        if let conversation = filter.conversation {
            conditions.append("d.conversation = ?")
            arguments.append(conversation)
        }
        if let reference = filter.reference {
            // The reference's chain: its own conversation, or the one it was linked to when accepted.
            conditions.append("(d.conversation = ? OR d.conversation IN (SELECT conversation FROM conversation_link WHERE reference = ?))")
            arguments += [reference, reference]
        }
        if let function = filter.function {
            conditions.append("m.function = ?")
            arguments.append(function.rawValue)
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        var limitClause = filter.limit.map { " LIMIT \(max(0, $0))" } ?? ""
        if let offset = filter.offset, offset > 0 { limitClause = (limitClause.isEmpty ? " LIMIT -1" : limitClause) + " OFFSET \(offset)" }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT m.id AS message_id, m.wire_message_id, d.id, d.destination, d.state, d.conversation, m.function, d.attempt_count,
                    m.accepted_at, d.updated_at, d.last_error
                FROM delivery d JOIN message m ON m.seq = d.message_seq \(whereClause) ORDER BY d.id\(filter.newestFirst ? " DESC" : "")\(limitClause)
                """,
            arguments: StatementArguments(arguments))
        return rows.map { r in
            DeliverySummary(
                messageID: r["message_id"], wireMessageID: r["wire_message_id"], deliveryID: r["id"], destination: r["destination"],
                state: DeliveryState(rawValue: r["state"]) ?? .pending, conversation: r["conversation"],
                function: MessageFunction(r["function"]), attemptCount: r["attempt_count"],
                acceptedAt: Date(storeMilliseconds: r["accepted_at"]), updatedAt: Date(storeMilliseconds: r["updated_at"]),
                lastError: r["last_error"])
        }
    }

    public func payload(deliveryID: Int64) async throws -> StoredPayload? {
        try await read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT m.id AS message_id, d.destination, d.content_type, d.payload
                    FROM delivery d JOIN message m ON m.seq = d.message_seq WHERE d.id = ?
                    """,
                arguments: [deliveryID]
            ).map { r in
                StoredPayload(
                    messageID: r["message_id"], deliveryID: deliveryID, destination: r["destination"], contentType: r["content_type"],
                    body: r["payload"])
            }
        }
    }

    public func stats() async throws -> OutboxStats {
        try await read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT destination, state, COUNT(*) AS n FROM delivery GROUP BY destination, state ORDER BY destination, state"
            ).map { r in
                OutboxStats.Row(destination: r["destination"], state: DeliveryState(rawValue: r["state"]) ?? .pending, count: r["n"])
            }
            let oldest = try Int64.fetchOne(
                db,
                sql: "SELECT MIN(m.accepted_at) FROM delivery d JOIN message m ON m.seq = d.message_seq WHERE d.state IN ('pending', 'sending')")
            let messages = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message") ?? 0
            return OutboxStats(rows: rows, oldestPendingAcceptedAt: oldest.map(Date.init(storeMilliseconds:)), messageCount: messages)
        }
    }

    public func auditEntries(messageID: String?) async throws -> [AuditEntry] {
        try await read { db in try AuditLog.entries(db, messageID: messageID) }
    }

    public func verifyAudit() async throws -> AuditReport {
        try await read { db in try AuditLog.verify(db) }
    }

    public func record(_ action: OperatorAction) async throws {
        try await write { db in
            try AuditLog.append(
                db, at: action.at.storeMilliseconds, event: action.event, messageID: action.messageID, destination: action.destination,
                actor: action.actor, detail: action.detail)
        }
    }
}

extension SQLiteOutboxStore {
    /// Ready when the file is writable and answers a query.
    public func readinessProblem() async -> String? {
        guard FileManager.default.isWritableFile(atPath: path) else { return "\(path) is missing or not writable" }
        do {
            _ = try await stats()
            return nil
        } catch {
            return "\(error)"
        }
    }
}

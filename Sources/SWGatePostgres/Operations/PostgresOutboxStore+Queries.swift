import Foundation
import PostgresNIO
public import SWGateStore

extension PostgresOutboxStore {
    public func message(id: String) async throws -> MessageRecord? {
        try await read { connection in try await Self.fetchMessage(connection, id: id) }
    }

    static func fetchMessage(_ connection: PostgresConnection, id: String) async throws -> MessageRecord? {
        let logger = quietLogger
        guard
            let row = try await connection.query(
                "SELECT * FROM message WHERE id = \(id) OR wire_message_id = \(id) ORDER BY (id = \(id)) DESC, seq LIMIT 1", logger: logger
            ).first()
        else { return nil }
        let seq: Int64 = try row.value("seq")
        var deliveries: [DeliveryRecord] = []
        let deliveryRows = try await connection.query(
            """
            SELECT id, destination, state, content_type, octet_length(payload) AS size, attempt_count, next_attempt_at,
                lease_owner, lease_expires_at, last_error, updated_at, delivered_at
            FROM delivery WHERE message_seq = \(seq) ORDER BY id
            """, logger: logger
        ).all()
        for d in deliveryRows {
            let deliveryID: Int64 = try d.value("id")
            let state = DeliveryState(rawValue: try d.value("state")) ?? .pending
            let attempts = try await connection.query("SELECT * FROM attempt WHERE delivery_id = \(deliveryID) ORDER BY id", logger: logger).all()
                .map { a in
                    AttemptRecord(
                        number: Int(try a.value("number", as: Int32.self)), startedAt: try a.date("started_at"),
                        durationMilliseconds: try a.value("duration_ms"), outcome: AttemptOutcome(try a.value("outcome", as: String.self)),
                        httpStatus: try a.value("http_status", as: Int32?.self).map(Int.init), error: try a.value("error"),
                        owner: try a.value("owner"))
                }
            let receipts = try await connection.query("SELECT * FROM receipt WHERE delivery_id = \(deliveryID) ORDER BY id", logger: logger).all()
                .map { r in
                    ReceiptRecord(receivedAt: try r.date("received_at"), contentType: try r.value("content_type"), body: try r.data("body"))
                }
            deliveries.append(
                DeliveryRecord(
                    id: deliveryID, destination: try d.value("destination"), state: state, contentType: try d.value("content_type"),
                    payloadSize: Int(try d.value("size", as: Int32.self)), attemptCount: Int(try d.value("attempt_count", as: Int32.self)),
                    nextAttemptAt: state == .pending ? try d.date("next_attempt_at") : nil, leaseOwner: try d.value("lease_owner"),
                    leaseExpiresAt: try d.optionalDate("lease_expires_at"), lastError: try d.value("last_error"),
                    updatedAt: try d.date("updated_at"), deliveredAt: try d.optionalDate("delivered_at"), attempts: attempts, receipts: receipts))
        }
        let scope: String? = try row.value("idempotency_scope")
        let key: String? = try row.value("idempotency_key")
        return MessageRecord(
            id: try row.value("id"), wireMessageID: try row.value("wire_message_id"), conversation: try row.value("conversation"),
            documentType: try row.value("document_type"), function: MessageFunction(try row.value("function", as: String.self)),
            source: try row.value("source"), idempotencyKey: scope.flatMap { scope in key.map { IdempotencyKey(scope: scope, key: $0) } },
            acceptedAt: try row.date("accepted_at"), deliveries: deliveries)
    }

    public func deliveries(matching filter: DeliveryFilter) async throws -> [DeliverySummary] {
        try await read { connection in try await Self.fetchSummaries(connection, filter) }
    }

    static func fetchSummaries(_ connection: PostgresConnection, _ filter: DeliveryFilter) async throws -> [DeliverySummary] {
        var conditions: [String] = []
        var bindings = PostgresBindings()
        if let states = filter.states {
            bindings.append(states.map(\.rawValue).sorted())
            conditions.append("d.state = ANY($\(bindings.count))")
        }
        if let destination = filter.destination {
            bindings.append(destination)
            conditions.append("d.destination = $\(bindings.count)")
        }
        if let since = filter.acceptedSince {
            bindings.append(since.storeMilliseconds)
            conditions.append("m.accepted_at >= $\(bindings.count)")
        }
        if let before = filter.acceptedBefore {
            bindings.append(before.storeMilliseconds)
            conditions.append("m.accepted_at < $\(bindings.count)")
        }
        if let id = filter.messageID {
            bindings.append(id)
            conditions.append("(m.id = $\(bindings.count) OR m.wire_message_id = $\(bindings.count))")
        }
        if let conversation = filter.conversation {
            bindings.append(conversation)
            conditions.append("d.conversation = $\(bindings.count)")
        }
        if let reference = filter.reference {
            // The reference's chain: its own conversation, or the one it was linked to when accepted.
            bindings.append(reference)
            conditions.append(
                "(d.conversation = $\(bindings.count) OR d.conversation IN (SELECT conversation FROM conversation_link WHERE reference = $\(bindings.count)))")
        }
        if let function = filter.function {
            bindings.append(function.rawValue)
            conditions.append("m.function = $\(bindings.count)")
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        var limitClause = filter.limit.map { " LIMIT \(max(0, $0))" } ?? ""
        if let offset = filter.offset, offset > 0 { limitClause += " OFFSET \(offset)" }
        let sql = """
            SELECT m.id AS message_id, m.wire_message_id, d.id, d.destination, d.state, d.conversation, m.function, d.attempt_count,
                m.accepted_at, d.updated_at, d.last_error
            FROM delivery d JOIN message m ON m.seq = d.message_seq \(whereClause) ORDER BY d.id\(filter.newestFirst ? " DESC" : "")\(limitClause)
            """
        return try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: quietLogger).all().map { r in
            DeliverySummary(
                messageID: try r.value("message_id"), wireMessageID: try r.value("wire_message_id"), deliveryID: try r.value("id"),
                destination: try r.value("destination"),
                state: DeliveryState(rawValue: try r.value("state")) ?? .pending, conversation: try r.value("conversation"),
                function: MessageFunction(try r.value("function", as: String.self)), attemptCount: Int(try r.value("attempt_count", as: Int32.self)),
                acceptedAt: try r.date("accepted_at"), updatedAt: try r.date("updated_at"), lastError: try r.value("last_error"))
        }
    }

    public func payload(deliveryID: Int64) async throws -> StoredPayload? {
        try await read { connection in
            guard
                let r = try await connection.query(
                    """
                    SELECT m.id AS message_id, d.destination, d.content_type, d.payload
                    FROM delivery d JOIN message m ON m.seq = d.message_seq WHERE d.id = \(deliveryID)
                    """, logger: Self.quietLogger
                ).first()
            else { return nil }
            return StoredPayload(
                messageID: try r.value("message_id"), deliveryID: deliveryID, destination: try r.value("destination"),
                contentType: try r.value("content_type"), body: try r.data("payload"))
        }
    }

    public func stats() async throws -> OutboxStats {
        try await read { connection in
            let logger = Self.quietLogger
            let rows = try await connection.query(
                "SELECT destination, state, COUNT(*) AS n FROM delivery GROUP BY destination, state ORDER BY destination, state", logger: logger
            ).all().map { r in
                OutboxStats.Row(
                    destination: try r.value("destination"), state: DeliveryState(rawValue: try r.value("state")) ?? .pending,
                    count: Int(try r.value("n", as: Int64.self)))
            }
            let oldest = try await connection.query(
                """
                SELECT MIN(m.accepted_at) AS oldest FROM delivery d JOIN message m ON m.seq = d.message_seq
                WHERE d.state IN ('pending', 'sending')
                """, logger: logger
            ).first()?.optionalDate("oldest")
            let messages = try await connection.query("SELECT COUNT(*) AS n FROM message", logger: logger).first()?.value("n", as: Int64.self) ?? 0
            return OutboxStats(rows: rows, oldestPendingAcceptedAt: oldest, messageCount: Int(messages))
        }
    }
}

import Foundation
import PostgresNIO
public import SWGateStore

extension PostgresOutboxStore {
    public func submission(_ key: IdempotencyKey) async throws -> SubmissionRecord? {
        try await read { connection in
            try await Self.remembered(connection, key)
        }
    }

    public func enqueue(_ message: NewMessage, rememberingSubmission key: IdempotencyKey) async throws -> EnqueueResult {
        let prepared = try PreparedMessage(message)
        return try await committer.performEnqueue(BulkEnqueue.Unit(prepared: prepared, submission: key)) { transaction in
            // Decided in the transaction that stores the message: of concurrent submissions with
            // one key, on any instance, exactly one is stored; each other one gets the original
            // (same content) or a conflict.
            if let earlier = try await Self.remembered(transaction.connection, key) {
                return try await Self.answer(transaction.connection, earlier: earlier, digest: prepared.digest, key: key)
            }
            // The key is taken before the message is stored. A concurrent submission of the key on
            // another instance makes this insert wait for that transaction: if it commits, nothing
            // is inserted here and its row, now visible, is answered; nothing was stored to undo.
            let id = MessageIdentifier.next(milliseconds: Date().storeMilliseconds)
            let taken = try await transaction.rows(
                """
                INSERT INTO submission_key (scope, key, message_id, content_digest) VALUES (\(key.scope), \(key.key), \(id), \(prepared.digest))
                ON CONFLICT (scope, key) DO NOTHING RETURNING scope
                """)
            guard !taken.isEmpty else {
                guard let earlier = try await Self.remembered(transaction.connection, key) else {
                    throw OutboxError(.submissionConflict, "Idempotency-Key \(key.key) was taken by a concurrent submission; retry")
                }
                return try await Self.answer(transaction.connection, earlier: earlier, digest: prepared.digest, key: key)
            }
            let result = try await Self.insert(transaction, prepared, id: id)
            if result.id != id {
                // The message itself was a duplicate (its reference was stored before): the key
                // remembers the original.
                try await transaction.rows("UPDATE submission_key SET message_id = \(result.id) WHERE scope = \(key.scope) AND key = \(key.key)")
            }
            return result
        }
    }

    private static func answer(_ connection: PostgresConnection, earlier: SubmissionRecord, digest: String, key: IdempotencyKey) async throws
        -> EnqueueResult
    {
        guard earlier.contentDigest == digest else {
            throw OutboxError(.submissionConflict, "Idempotency-Key \(key.key) was used for different content (message \(earlier.messageID))")
        }
        guard let original = try await existing(connection, messageID: earlier.messageID) else {
            throw OutboxError(.submissionConflict, "the message remembered under Idempotency-Key \(key.key) was purged")
        }
        return original.result
    }

    private static func remembered(_ connection: PostgresConnection, _ key: IdempotencyKey) async throws -> SubmissionRecord? {
        guard
            let row = try await connection.query(
                "SELECT message_id, content_digest FROM submission_key WHERE scope = \(key.scope) AND key = \(key.key)", logger: quietLogger
            ).first()
        else { return nil }
        return SubmissionRecord(messageID: try row.value("message_id"), contentDigest: try row.value("content_digest"))
    }

    public func messagePage(_ query: MessagePageQuery) async throws -> MessagePage {
        var conditions: [String] = []
        var bindings = PostgresBindings()
        func parameter(_ value: some PostgresDynamicTypeEncodable) -> String {
            bindings.append(value)
            return "$\(bindings.count)"
        }
        if query.state != nil || query.destination != nil {
            var inner = ["d.message_seq = m.seq"]
            if let state = query.state { inner.append("d.state = \(parameter(state.rawValue))") }
            if let destination = query.destination { inner.append("d.destination = \(parameter(destination))") }
            conditions.append("EXISTS (SELECT 1 FROM delivery d WHERE \(inner.joined(separator: " AND ")))")
        }
        if let since = query.acceptedSince { conditions.append("m.accepted_at >= \(parameter(since.storeMilliseconds))") }
        if let after = query.afterSequence { conditions.append("m.seq > \(parameter(after))") }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let limit = max(1, query.limit)
        let sql = """
            SELECT m.seq, m.id, m.wire_message_id, m.conversation, m.function, m.source, m.accepted_at,
                COALESCE((SELECT json_object_agg(d.destination, d.state) FROM delivery d WHERE d.message_seq = m.seq)::text, '{}') AS states
            FROM message m \(whereClause) ORDER BY m.seq LIMIT \(limit + 1)
            """
        let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
        let rows = try await read { connection in try await connection.query(query, logger: Self.quietLogger).all() }
        var items: [MessagePage.Item] = []
        for row in rows.prefix(limit) {
            let states = try JSONDecoder().decode([String: String].self, from: Data(try row.value("states", as: String.self).utf8))
            items.append(
                MessagePage.Item(
                    sequence: try row.value("seq"), id: try row.value("id"), wireMessageID: try row.value("wire_message_id"),
                    conversation: try row.value("conversation"), function: MessageFunction(try row.value("function", as: String.self)),
                    source: try row.value("source"), acceptedAt: try row.date("accepted_at"),
                    deliveries: states.mapValues { DeliveryState(rawValue: $0) ?? .pending }))
        }
        return MessagePage(items: items, nextSequence: rows.count > limit ? items.last?.sequence : nil)
    }
}

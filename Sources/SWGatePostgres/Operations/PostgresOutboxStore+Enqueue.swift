import Foundation
import PostgresNIO
public import SWGateStore

extension PostgresOutboxStore {
    public func enqueue(_ message: NewMessage) async throws -> EnqueueResult {
        let prepared = try PreparedMessage(message)
        return try await committer.performEnqueue(BulkEnqueue.Unit(prepared: prepared, submission: nil)) { transaction in
            try await Self.insert(transaction, prepared)
        }
    }

    /// A validated message with its content digest computed on the caller's task.
    struct PreparedMessage: Sendable {
        let message: NewMessage
        let digest: String

        init(_ message: NewMessage) throws(OutboxError) {
            guard !message.payloads.isEmpty else {
                throw OutboxError(.invalidRequest, "a message needs at least one destination")
            }
            let destinations = message.payloads.map(\.destination)
            guard Set(destinations).count == destinations.count else {
                throw OutboxError(.invalidRequest, "a destination appears twice: \(destinations.joined(separator: ", "))")
            }
            guard !message.conversation.isEmpty, !message.wireMessageID.isEmpty, destinations.allSatisfy({ !$0.isEmpty }) else {
                throw OutboxError(.invalidRequest, "conversation, message id and destinations must not be empty")
            }
            self.message = message
            digest = message.contentDigest
        }

        var destinations: [String] { message.payloads.map(\.destination) }

        /// The `accepted` audit detail, worded as the SQLite store words it.
        func auditDetail(conversation: String) -> String {
            "\(message.function.rawValue) \(message.documentType) conversation=\(conversation) "
                + "wire-id=\(message.wireMessageID) destinations=\(destinations.joined(separator: ",")) sha256=\(digest)"
        }
    }

    /// Stores the message (or finds the original under its idempotency key) in `transaction`.
    /// - Parameter id: the gateway id to give a new message (one is made if nil).
    static func insert(_ transaction: WriteTransaction, _ prepared: PreparedMessage, id: String? = nil) async throws -> EnqueueResult {
        let message = prepared.message
        if let key = message.idempotencyKey, let original = try await existing(transaction.connection, key: key) {
            return try duplicate(original, of: prepared, key: key)
        }
        let conversation = try await ConversationLinks.resolve(transaction, message)
        let now = Date().storeMilliseconds
        let id = id ?? MessageIdentifier.next(milliseconds: now)
        // The unique index decides: a concurrent writer that stored the same key first makes this
        // insert return nothing, and the original is answered instead.
        let inserted = try await transaction.rows(
            """
            INSERT INTO message (id, wire_message_id, conversation, document_type, function, source,
                idempotency_scope, idempotency_key, content_digest, acknowledgement, accepted_at, summary)
            VALUES (\(id), \(message.wireMessageID), \(conversation), \(message.documentType), \(message.function.rawValue),
                \(message.source), \(message.idempotencyKey?.scope), \(message.idempotencyKey?.key), \(prepared.digest),
                \(message.acknowledgement), \(now), \(message.summary))
            ON CONFLICT (idempotency_scope, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING seq
            """)
        guard let seq = try inserted.first?.value("seq", as: Int64.self) else {
            guard let key = message.idempotencyKey,
                let original = try await existing(transaction.connection, key: key)
            else {
                throw OutboxError(.database, "message \(message.wireMessageID) was neither stored nor found under its idempotency key")
            }
            return try duplicate(original, of: prepared, key: key)
        }
        for payload in message.payloads {
            try await transaction.rows(
                """
                INSERT INTO delivery (message_seq, destination, conversation, state, payload, content_type,
                    budget_started_at, next_attempt_at, updated_at)
                VALUES (\(seq), \(payload.destination), \(conversation), 'pending', \(payload.body), \(payload.contentType),
                    \(now), \(now), \(now))
                """)
        }
        try await transaction.append(
            at: now, event: .accepted, messageID: id, destination: nil, actor: message.source,
            detail: prepared.auditDetail(conversation: conversation))
        transaction.notify = true
        return EnqueueResult(
            id: id, wireMessageID: message.wireMessageID, isDuplicate: false, acknowledgement: message.acknowledgement,
            acceptedAt: Date(storeMilliseconds: now), destinations: prepared.destinations)
    }

    private static func duplicate(_ original: (result: EnqueueResult, digest: String), of prepared: PreparedMessage, key: IdempotencyKey) throws
        -> EnqueueResult
    {
        guard original.digest == prepared.digest else {
            throw OutboxError(
                .idempotencyConflict,
                "idempotency key \(key.scope)/\(key.key) was already used for message \(original.result.id) with different content")
        }
        return original.result
    }

    static func existing(_ connection: PostgresConnection, key: IdempotencyKey) async throws
        -> (result: EnqueueResult, digest: String)?
    {
        try await existing(
            connection,
            query: """
                SELECT seq, id, wire_message_id, content_digest, acknowledgement, accepted_at FROM message
                WHERE idempotency_scope = \(key.scope) AND idempotency_key = \(key.key)
                """)
    }

    /// The stored message with this gateway id, answered as a duplicate.
    static func existing(_ connection: PostgresConnection, messageID: String) async throws -> (result: EnqueueResult, digest: String)? {
        try await existing(
            connection, query: "SELECT seq, id, wire_message_id, content_digest, acknowledgement, accepted_at FROM message WHERE id = \(messageID)")
    }

    private static func existing(_ connection: PostgresConnection, query: PostgresQuery) async throws -> (result: EnqueueResult, digest: String)? {
        let logger = Self.quietLogger
        guard let row = try await connection.query(query, logger: logger).first() else { return nil }
        let seq = try row.value("seq", as: Int64.self)
        let destinations = try await connection.query("SELECT destination FROM delivery WHERE message_seq = \(seq) ORDER BY id", logger: logger)
            .all().map { try $0.value("destination", as: String.self) }
        let result = EnqueueResult(
            id: try row.value("id"), wireMessageID: try row.value("wire_message_id"), isDuplicate: true,
            acknowledgement: try row.optionalData("acknowledgement"), acceptedAt: try row.date("accepted_at"), destinations: destinations)
        return (result, try row.value("content_digest"))
    }
}

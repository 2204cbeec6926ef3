import Foundation
import GRDB

extension SQLiteOutboxStore {
    public func enqueue(_ message: NewMessage) async throws -> EnqueueResult {
        try Self.validate(message)
        let digest = Self.contentDigest(message)
        return try await write { db in try Self.insert(db, message, digest: digest) }
    }

    static func validate(_ message: NewMessage) throws(OutboxError) {
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
    }

    /// SHA-256 over what makes two submissions "the same content" for idempotency.
    static func contentDigest(_ message: NewMessage) -> String {
        var data = Data()
        for field in [message.function.rawValue, message.conversation, message.documentType] {
            data.append(contentsOf: Array("\(field.utf8.count):\(field)|".utf8))
        }
        for payload in message.payloads.sorted(by: { $0.destination < $1.destination }) {
            data.append(contentsOf: Array("\(payload.destination.utf8.count):\(payload.destination)|\(payload.body.count):".utf8))
            data.append(payload.body)
        }
        return AuditEntry.sha256Hex(data)
    }

    static func insert(_ db: Database, _ message: NewMessage, digest: String) throws -> EnqueueResult {
        if let key = message.idempotencyKey, let original = try existing(db, key: key) {
            guard original.digest == digest else {
                throw OutboxError(
                    .idempotencyConflict,
                    "idempotency key \(key.scope)/\(key.key) was already used for message \(original.result.id) with different content")
            }
            return original.result
        }
        let now = Date().storeMilliseconds
        let id = MessageIdentifier.next(milliseconds: now)
        try db.cachedStatement(
            sql: """
                INSERT INTO message (id, wire_message_id, conversation, document_type, function, source,
                    idempotency_scope, idempotency_key, content_digest, acknowledgement, accepted_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            id, message.wireMessageID, message.conversation, message.documentType, message.function.rawValue, message.source,
            message.idempotencyKey?.scope, message.idempotencyKey?.key, digest, message.acknowledgement, now,
        ])
        let seq = db.lastInsertedRowID
        let insertDelivery = try db.cachedStatement(
            sql: """
                INSERT INTO delivery (message_seq, destination, conversation, state, payload, content_type,
                    budget_started_at, next_attempt_at, updated_at)
                VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?)
                """)
        for payload in message.payloads {
            try insertDelivery.execute(arguments: [
                seq, payload.destination, message.conversation, payload.body, payload.contentType, now, now, now,
            ])
        }
        let destinations = message.payloads.map(\.destination)
        try AuditLog.append(
            db, at: now, event: .accepted, messageID: id, destination: nil, actor: message.source,
            detail: "\(message.function) \(message.documentType) conversation=\(message.conversation) "
                + "wire-id=\(message.wireMessageID) destinations=\(destinations.joined(separator: ",")) sha256=\(digest)")
        return EnqueueResult(
            id: id, wireMessageID: message.wireMessageID, isDuplicate: false, acknowledgement: message.acknowledgement,
            acceptedAt: Date(storeMilliseconds: now), destinations: destinations)
    }

    private static func existing(_ db: Database, key: IdempotencyKey) throws -> (result: EnqueueResult, digest: String)? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT seq, id, wire_message_id, content_digest, acknowledgement, accepted_at FROM message
                        WHERE idempotency_scope = ? AND idempotency_key = ?
                        """),
                arguments: [key.scope, key.key])
        else { return nil }
        let destinations = try String.fetchAll(
            db.cachedStatement(sql: "SELECT destination FROM delivery WHERE message_seq = ? ORDER BY id"), arguments: [row["seq"]])
        let result = EnqueueResult(
            id: row["id"], wireMessageID: row["wire_message_id"], isDuplicate: true, acknowledgement: row["acknowledgement"],
            acceptedAt: Date(storeMilliseconds: row["accepted_at"]), destinations: destinations)
        return (result, row["content_digest"])
    }
}

import Crypto
import Foundation
import GRDB

extension SQLiteOutboxStore {
    public func enqueue(_ message: NewMessage) async throws -> EnqueueResult {
        try Self.validate(message)
        // Everything that does not depend on the transaction is prepared here, on the caller's
        // task, so that the single writer thread only inserts rows and links the audit chain.
        let prepared = PreparedMessage(message)
        return try await write { db in try Self.insert(db, prepared) }
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

    /// SHA-256 over what makes two submissions "the same content" for idempotency: for the function,
    /// conversation and document type `<utf-8 length>:<text>|`, then per payload in destination
    /// order `<length>:<destination>|<body length>:` and the body.
    static func contentDigest(_ message: NewMessage) -> String {
        // The length-prefixed fields are written into one byte buffer and the bodies fed to the
        // hasher where they lie: no strings or copies of the body are made on the caller's task.
        var hasher = SHA256()
        var header = [UInt8]()
        header.reserveCapacity(64 + message.conversation.utf8.count + message.documentType.utf8.count)
        for field in [message.function.rawValue, message.conversation, message.documentType] {
            appendField(field, to: &header)
        }
        let payloads = message.payloads.count == 1 ? message.payloads : message.payloads.sorted { $0.destination < $1.destination }
        for payload in payloads {
            appendField(payload.destination, to: &header)
            appendDecimal(payload.body.count, to: &header)
            header.append(UInt8(ascii: ":"))
            header.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            header.removeAll(keepingCapacity: true)
            payload.body.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
        return AuditEntry.hex(hasher.finalize())
    }

    /// `<utf-8 length>:<text>|`
    private static func appendField(_ text: String, to out: inout [UInt8]) {
        let utf8 = text.utf8
        appendDecimal(utf8.count, to: &out)
        out.append(UInt8(ascii: ":"))
        out.append(contentsOf: utf8)
        out.append(UInt8(ascii: "|"))
    }

    /// `String(value)`'s ASCII digits for a count (never negative).
    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// A message with what the writer needs precomputed: its content digest, destinations, the
    /// conversation key of each delivery and the detail text of its `accepted` audit entry.
    struct PreparedMessage: Sendable {
        let message: NewMessage
        let digest: String
        let destinations: [String]
        let conversationKeys: [Int64]
        let auditDetail: String

        init(_ message: NewMessage) {
            self.init(message, conversation: message.conversation, digest: SQLiteOutboxStore.contentDigest(message))
        }

        /// With the conversation the chain of replacements resolved to.
        init(_ message: NewMessage, conversation: String, digest: String) {
            self.message = message
            self.digest = digest
            destinations = message.payloads.map(\.destination)
            conversationKeys = destinations.map { ConversationKey.of(destination: $0, conversation: conversation) }
            auditDetail =
                "\(message.function.rawValue) \(message.documentType) conversation=\(conversation) "
                + "wire-id=\(message.wireMessageID) destinations=\(destinations.joined(separator: ",")) sha256=\(digest)"
        }
    }

    static func insert(_ db: Database, _ prepared: PreparedMessage) throws -> EnqueueResult {
        let message = prepared.message
        if let key = message.idempotencyKey, let original = try existing(db, key: key) {
            guard original.digest == prepared.digest else {
                throw OutboxError(
                    .idempotencyConflict,
                    "idempotency key \(key.scope)/\(key.key) was already used for message \(original.result.id) with different content")
            }
            return original.result
        }
        // The chain of replacements decides the conversation, in the transaction that stores the
        // message: a predecessor accepted in an earlier unit of the same group commit is found too.
        let conversation = try ConversationLinks.resolve(db, message)
        let resolved = conversation == message.conversation ? prepared : PreparedMessage(message, conversation: conversation, digest: prepared.digest)
        let now = Date().storeMilliseconds
        let id = MessageIdentifier.next(milliseconds: now)
        let insertMessage = DirectStatement(
            try db.cachedStatement(
                sql: """
                    INSERT INTO message (id, wire_message_id, conversation, document_type, function, source,
                        idempotency_scope, idempotency_key, content_digest, acknowledgement, accepted_at, summary)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """))
        insertMessage.bind(id, at: 1)
        insertMessage.bind(message.wireMessageID, at: 2)
        insertMessage.bind(conversation, at: 3)
        insertMessage.bind(message.documentType, at: 4)
        insertMessage.bind(message.function.rawValue, at: 5)
        insertMessage.bind(message.source, at: 6)
        insertMessage.bind(message.idempotencyKey?.scope, at: 7)
        insertMessage.bind(message.idempotencyKey?.key, at: 8)
        insertMessage.bind(prepared.digest, at: 9)
        insertMessage.bind(message.acknowledgement, at: 10)
        insertMessage.bind(now, at: 11)
        insertMessage.bind(message.summary, at: 12)
        try insertMessage.execute()
        let seq = db.lastInsertedRowID
        let insertDelivery = DirectStatement(
            try db.cachedStatement(
                sql: """
                    INSERT INTO delivery (message_seq, destination, conversation, state, payload, content_type,
                        budget_started_at, next_attempt_at, updated_at, conversation_key)
                    VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?)
                    """))
        for (payload, conversationKey) in zip(message.payloads, resolved.conversationKeys) {
            insertDelivery.bind(seq, at: 1)
            insertDelivery.bind(payload.destination, at: 2)
            insertDelivery.bind(conversation, at: 3)
            insertDelivery.bind(payload.contentType, at: 5)
            insertDelivery.bind(now, at: 6)
            insertDelivery.bind(now, at: 7)
            insertDelivery.bind(now, at: 8)
            insertDelivery.bind(conversationKey, at: 9)
            try insertDelivery.execute(withBlob: payload.body, at: 4)
        }
        try AuditLog.append(
            db, at: now, event: .accepted, messageID: id, destination: nil, actor: message.source, detail: resolved.auditDetail)
        return EnqueueResult(
            id: id, wireMessageID: message.wireMessageID, isDuplicate: false, acknowledgement: message.acknowledgement,
            acceptedAt: Date(storeMilliseconds: now), destinations: prepared.destinations)
    }

    private static func existing(_ db: Database, key: IdempotencyKey) throws -> (result: EnqueueResult, digest: String)? {
        try existing(
            db,
            row: Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT seq, id, wire_message_id, content_digest, acknowledgement, accepted_at FROM message
                        WHERE idempotency_scope = ? AND idempotency_key = ?
                        """),
                arguments: [key.scope, key.key]))
    }

    /// The stored message with this gateway id, answered as a duplicate.
    static func existing(_ db: Database, messageID: String) throws -> (result: EnqueueResult, digest: String)? {
        try existing(
            db,
            row: Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT seq, id, wire_message_id, content_digest, acknowledgement, accepted_at FROM message WHERE id = ?"),
                arguments: [messageID]))
    }

    private static func existing(_ db: Database, row: Row?) throws -> (result: EnqueueResult, digest: String)? {
        guard let row else { return nil }
        let destinations = try String.fetchAll(
            db.cachedStatement(sql: "SELECT destination FROM delivery WHERE message_seq = ? ORDER BY id"), arguments: [row["seq"]])
        let result = EnqueueResult(
            id: row["id"], wireMessageID: row["wire_message_id"], isDuplicate: true, acknowledgement: row["acknowledgement"],
            acceptedAt: Date(storeMilliseconds: row["accepted_at"]), destinations: destinations)
        return (result, row["content_digest"])
    }
}

import Foundation
import GRDB

/// Migration `v2-submission-keys`: the portal's `Idempotency-Key` memory.
enum SubmissionKeys {
    static func migrate(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE submission_key (
                    scope TEXT NOT NULL,
                    key TEXT NOT NULL,
                    message_id TEXT NOT NULL,
                    content_digest TEXT NOT NULL,
                    PRIMARY KEY (scope, key)
                );
                """)
    }
}

extension SQLiteOutboxStore: SubmissionStore {
    public func submission(_ key: IdempotencyKey) async throws -> SubmissionRecord? {
        try await read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT message_id, content_digest FROM submission_key WHERE scope = ? AND key = ?
                        """,
                    arguments: [key.scope, key.key])
            else { return nil }
            return SubmissionRecord(messageID: row["message_id"], contentDigest: row["content_digest"])
        }
    }


    public func enqueue(_ message: NewMessage, rememberingSubmission key: IdempotencyKey) async throws -> EnqueueResult {
        try Self.validate(message)
        let prepared = PreparedMessage(message)
        return try await write { db in
            // Decided here, on the single writer, in the transaction that stores the message: of
            // concurrent submissions with one key exactly one is stored; each other one finds its
            // row and gets the original (same content) or a conflict (other content).
            if let earlier = try Self.remembered(db, key) {
                guard earlier.contentDigest == prepared.digest else {
                    throw OutboxError(
                        .submissionConflict, "Idempotency-Key \(key.key) was used for different content (message \(earlier.messageID))")
                }
                guard let original = try Self.existing(db, messageID: earlier.messageID) else {
                    throw OutboxError(.submissionConflict, "the message remembered under Idempotency-Key \(key.key) was purged")
                }
                return original.result
            }
            let result = try Self.insert(db, prepared)
            try Self.remember(db, key, messageID: result.id, contentDigest: prepared.digest)
            return result
        }
    }

    private static func remembered(_ db: Database, _ key: IdempotencyKey) throws -> SubmissionRecord? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT message_id, content_digest FROM submission_key WHERE scope = ? AND key = ?"),
                arguments: [key.scope, key.key])
        else { return nil }
        return SubmissionRecord(messageID: row["message_id"], contentDigest: row["content_digest"])
    }

    /// A plain INSERT: the key was looked up in the same transaction, so a second row for it can
    /// only be a bug, and the primary key turns that into an error instead of a silent loss.
    private static func remember(_ db: Database, _ key: IdempotencyKey, messageID: String, contentDigest: String) throws {
        try db.cachedStatement(sql: "INSERT INTO submission_key (scope, key, message_id, content_digest) VALUES (?, ?, ?, ?)")
            .execute(arguments: [key.scope, key.key, messageID, contentDigest])
    }

    public func messagePage(_ query: MessagePageQuery) async throws -> MessagePage {
        try await read { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if query.state != nil || query.destination != nil {
                var inner = ["d.message_seq = m.seq"]
                if let state = query.state {
                    inner.append("d.state = ?")
                    arguments.append(state.rawValue)
                }
                if let destination = query.destination {
                    inner.append("d.destination = ?")
                    arguments.append(destination)
                }
                conditions.append("EXISTS (SELECT 1 FROM delivery d WHERE \(inner.joined(separator: " AND ")))")
            }
            if let since = query.acceptedSince {
                conditions.append("m.accepted_at >= ?")
                arguments.append(since.storeMilliseconds)
            }
            if let after = query.afterSequence {
                conditions.append("m.seq > ?")
                arguments.append(after)
            }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let limit = max(1, query.limit)
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM message m \(whereClause) ORDER BY m.seq LIMIT \(limit + 1)", arguments: StatementArguments(arguments))
            var items: [MessagePage.Item] = []
            for row in rows.prefix(limit) {
                let seq: Int64 = row["seq"]
                var deliveries: [String: DeliveryState] = [:]
                for d in try Row.fetchAll(db, sql: "SELECT destination, state FROM delivery WHERE message_seq = ?", arguments: [seq]) {
                    deliveries[d["destination"]] = DeliveryState(rawValue: d["state"]) ?? .pending
                }
                items.append(
                    MessagePage.Item(
                        sequence: seq, id: row["id"], wireMessageID: row["wire_message_id"], conversation: row["conversation"],
                        function: MessageFunction(row["function"]), source: row["source"],
                        acceptedAt: Date(storeMilliseconds: row["accepted_at"]), deliveries: deliveries))
            }
            return MessagePage(items: items, nextSequence: rows.count > limit ? items.last?.sequence : nil)
        }
    }
}

import GRDB

/// Migration `v4-idempotency-index`: the uniqueness of `(idempotency_scope, idempotency_key)` moves
/// from a table constraint to a partial unique index `message_idempotency` over the messages that
/// have a key.
///
/// The constraint's index also held an entry (two NULLs and the rowid) for every message without
/// a key, so each such enqueue inserted into it and each group commit rewrote one of its 16 KiB
/// pages, for an index no query ever reads those entries from. Uniqueness of keys and the duplicate
/// lookup (`WHERE idempotency_scope = ? AND idempotency_key = ?`, which implies a non-NULL key and so
/// uses the partial index) are unchanged.
///
/// SQLite cannot drop a table constraint, so `message` is rebuilt (the documented twelve-step
/// procedure; GRDB's migrator runs migrations with foreign keys off and checks them before commit).
/// Message rows are small (the payloads are in `delivery`, which is not touched). The table's
/// AUTOINCREMENT high-water mark is carried over, so a purged message's `seq` is never reused.
enum IdempotencyIndex {
    static func migrate(_ db: Database) throws {
        let highWater = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'message'")
        try db.execute(
            sql: """
                CREATE TABLE message_v4 (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    wire_message_id TEXT NOT NULL,
                    conversation TEXT NOT NULL,
                    document_type TEXT NOT NULL,
                    function TEXT NOT NULL,
                    source TEXT NOT NULL,
                    idempotency_scope TEXT,
                    idempotency_key TEXT,
                    content_digest TEXT NOT NULL,
                    acknowledgement BLOB,
                    accepted_at INTEGER NOT NULL
                );
                INSERT INTO message_v4 (seq, id, wire_message_id, conversation, document_type, function, source,
                    idempotency_scope, idempotency_key, content_digest, acknowledgement, accepted_at)
                SELECT seq, id, wire_message_id, conversation, document_type, function, source,
                    idempotency_scope, idempotency_key, content_digest, acknowledgement, accepted_at
                FROM message ORDER BY seq;
                DROP TABLE message;
                ALTER TABLE message_v4 RENAME TO message;
                CREATE UNIQUE INDEX message_idempotency ON message(idempotency_scope, idempotency_key)
                    WHERE idempotency_key IS NOT NULL;
                """)
        if let highWater {
            try db.execute(sql: "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'message'", arguments: [highWater])
            if db.changesCount == 0 {
                try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('message', ?)", arguments: [highWater])
            }
        }
    }
}

import GRDB

/// The SQLite schema, versioned in code. Each migration runs once, in order, in its own transaction.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-outbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE message (
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
                        accepted_at INTEGER NOT NULL,
                        UNIQUE (idempotency_scope, idempotency_key)
                    );
                    CREATE TABLE delivery (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        message_seq INTEGER NOT NULL REFERENCES message(seq) ON DELETE CASCADE,
                        destination TEXT NOT NULL,
                        conversation TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'delivered', 'failed', 'dead')),
                        payload BLOB NOT NULL,
                        content_type TEXT NOT NULL,
                        attempt_count INTEGER NOT NULL DEFAULT 0,
                        budget_attempts INTEGER NOT NULL DEFAULT 0,
                        budget_started_at INTEGER NOT NULL,
                        next_attempt_at INTEGER NOT NULL,
                        lease_owner TEXT,
                        lease_expires_at INTEGER,
                        last_error TEXT,
                        updated_at INTEGER NOT NULL,
                        delivered_at INTEGER,
                        UNIQUE (message_seq, destination)
                    );
                    CREATE INDEX delivery_ready ON delivery(destination, state, next_attempt_at, id);
                    CREATE INDEX delivery_conversation ON delivery(destination, conversation, id);
                    CREATE INDEX delivery_lease ON delivery(state, lease_expires_at);
                    CREATE TABLE attempt (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        delivery_id INTEGER NOT NULL REFERENCES delivery(id) ON DELETE CASCADE,
                        number INTEGER NOT NULL,
                        started_at INTEGER NOT NULL,
                        duration_ms INTEGER NOT NULL,
                        outcome TEXT NOT NULL,
                        http_status INTEGER,
                        error TEXT,
                        owner TEXT NOT NULL
                    );
                    CREATE INDEX attempt_delivery ON attempt(delivery_id);
                    CREATE TABLE receipt (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        delivery_id INTEGER NOT NULL REFERENCES delivery(id) ON DELETE CASCADE,
                        received_at INTEGER NOT NULL,
                        content_type TEXT NOT NULL,
                        body BLOB NOT NULL
                    );
                    CREATE INDEX receipt_delivery ON receipt(delivery_id);
                    CREATE TABLE audit_log (
                        seq INTEGER PRIMARY KEY,
                        at INTEGER NOT NULL,
                        event TEXT NOT NULL,
                        message_id TEXT,
                        destination TEXT,
                        actor TEXT NOT NULL,
                        detail TEXT NOT NULL,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    );
                    CREATE INDEX audit_message ON audit_log(message_id);
                    CREATE TABLE audit_head (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        seq INTEGER NOT NULL,
                        hash TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2-submission-keys", migrate: SubmissionKeys.migrate)
        migrator.registerMigration("v3-conversation-key", migrate: ConversationKey.migrate)
        migrator.registerMigration("v4-idempotency-index", migrate: IdempotencyIndex.migrate)
        migrator.registerMigration("v5-conversation-links", migrate: ConversationLinks.migrate)
        migrator.registerMigration("v6-message-summary", migrate: MessageSummaries.migrate)
        migrator.registerMigration("v7-first-claim", migrate: FirstClaims.migrate)
        return migrator
    }
}

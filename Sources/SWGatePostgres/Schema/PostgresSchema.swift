/// The PostgreSQL schema, versioned in code: the same tables and states as the SQLite store
/// (`docs/outbox.md`), with `bigserial` keys, `bytea` payloads and times as `bigint` milliseconds
/// since 1970 (UTC), exactly as the audit chain's canonical form writes them.
enum PostgresSchema {
    /// The key of the session-level advisory lock held while migrations run, so that of several
    /// instances starting together exactly one migrates and the others wait, then find it done.
    static let migrationLockKey: Int64 = 0x5357_4761_7465_0001

    static let migrations: [PostgresMigration] = [
        PostgresMigration(version: 1, name: "outbox", statements: outbox),
        PostgresMigration(version: 2, name: "audit-chain-per-instance", statements: auditChainPerInstance),
        PostgresMigration(version: 3, name: "first-claim", statements: firstClaim),
    ]

    /// The newest version this binary knows.
    static var currentVersion: Int { migrations.map(\.version).max() ?? 0 }

    /// Version 1: everything the SQLite store has at its schema v5 (outbox, submission keys,
    /// conversation key as an index on the texts, partial unique idempotency index, conversation
    /// links), and the single-row audit head every writing transaction locks just before it commits.
    private static let outbox = [
        """
        CREATE TABLE message (
            seq bigserial PRIMARY KEY,
            id text NOT NULL UNIQUE,
            wire_message_id text NOT NULL,
            conversation text NOT NULL,
            document_type text NOT NULL,
            function text NOT NULL,
            source text NOT NULL,
            idempotency_scope text,
            idempotency_key text,
            content_digest text NOT NULL,
            acknowledgement bytea,
            accepted_at bigint NOT NULL,
            summary bytea
        )
        """,
        "CREATE UNIQUE INDEX message_idempotency ON message (idempotency_scope, idempotency_key) WHERE idempotency_key IS NOT NULL",
        "CREATE INDEX message_wire_id ON message (wire_message_id)",
        """
        CREATE TABLE delivery (
            id bigserial PRIMARY KEY,
            message_seq bigint NOT NULL REFERENCES message (seq) ON DELETE CASCADE,
            destination text NOT NULL,
            conversation text NOT NULL,
            state text NOT NULL CHECK (state IN ('pending', 'sending', 'delivered', 'failed', 'dead')),
            payload bytea NOT NULL,
            content_type text NOT NULL,
            attempt_count integer NOT NULL DEFAULT 0,
            budget_attempts integer NOT NULL DEFAULT 0,
            budget_started_at bigint NOT NULL,
            next_attempt_at bigint NOT NULL,
            lease_owner text,
            lease_expires_at bigint,
            last_error text,
            updated_at bigint NOT NULL,
            delivered_at bigint,
            UNIQUE (message_seq, destination)
        )
        """,
        "CREATE INDEX delivery_ready ON delivery (destination, state, next_attempt_at, id)",
        // The ordering rule looks up earlier undelivered deliveries of a conversation; delivered
        // ones never block, so they are left out of the index.
        "CREATE INDEX delivery_conversation ON delivery (destination, conversation, id) WHERE state <> 'delivered'",
        "CREATE INDEX delivery_lease ON delivery (state, lease_expires_at)",
        """
        CREATE TABLE attempt (
            id bigserial PRIMARY KEY,
            delivery_id bigint NOT NULL REFERENCES delivery (id) ON DELETE CASCADE,
            number integer NOT NULL,
            started_at bigint NOT NULL,
            duration_ms bigint NOT NULL,
            outcome text NOT NULL,
            http_status integer,
            error text,
            owner text NOT NULL
        )
        """,
        "CREATE INDEX attempt_delivery ON attempt (delivery_id)",
        """
        CREATE TABLE receipt (
            id bigserial PRIMARY KEY,
            delivery_id bigint NOT NULL REFERENCES delivery (id) ON DELETE CASCADE,
            received_at bigint NOT NULL,
            content_type text NOT NULL,
            body bytea NOT NULL
        )
        """,
        "CREATE INDEX receipt_delivery ON receipt (delivery_id)",
        """
        CREATE TABLE audit_log (
            seq bigint PRIMARY KEY,
            at bigint NOT NULL,
            event text NOT NULL,
            message_id text,
            destination text,
            actor text NOT NULL,
            detail text NOT NULL,
            prev_hash text NOT NULL,
            hash text NOT NULL
        )
        """,
        "CREATE INDEX audit_message ON audit_log (message_id)",
        // seq 0 with the genesis hash: no entry yet. The row exists from the start so that every
        // writing transaction can lock it (SELECT … FOR UPDATE) to append its entries.
        "CREATE TABLE audit_head (id integer PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash text NOT NULL)",
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '\(String(repeating: "0", count: 64))')",
        """
        CREATE TABLE submission_key (
            scope text NOT NULL,
            key text NOT NULL,
            message_id text NOT NULL,
            content_digest text NOT NULL,
            PRIMARY KEY (scope, key)
        )
        """,
        "CREATE TABLE conversation_link (reference text PRIMARY KEY, conversation text NOT NULL)",
    ]

    /// Version 2: an audit chain per instance. With one chain, every writing transaction of every
    /// instance locked the one head row until its commit was flushed, so a second instance made
    /// commits queue behind each other instead of sharing flushes. Each entry now belongs to a
    /// `chain` (the writing instance's owner name) at a `position` in it; `seq` is taken from a
    /// sequence at insert and orders entries across chains (an effect always after its cause).
    /// The entries and head written before become chain `""` unchanged: their hashes were made
    /// over their position, which is their old `seq`, so they still verify.
    private static let auditChainPerInstance = [
        "ALTER TABLE audit_log ADD COLUMN chain text NOT NULL DEFAULT ''",
        "ALTER TABLE audit_log ADD COLUMN position bigint",
        "UPDATE audit_log SET position = seq",
        "ALTER TABLE audit_log ALTER COLUMN position SET NOT NULL",
        "ALTER TABLE audit_log ALTER COLUMN chain DROP DEFAULT",
        "CREATE UNIQUE INDEX audit_chain_position ON audit_log (chain, position)",
        "CREATE SEQUENCE audit_log_seq OWNED BY audit_log.seq",
        "SELECT setval('audit_log_seq', (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log), false)",
        "ALTER TABLE audit_log ALTER COLUMN seq SET DEFAULT nextval('audit_log_seq')",
        "CREATE TABLE audit_chain_head (chain text PRIMARY KEY, position bigint NOT NULL, hash text NOT NULL)",
        "INSERT INTO audit_chain_head (chain, position, hash) SELECT '', seq, hash FROM audit_head WHERE seq > 0",
        "DROP TABLE audit_head",
    ]

    /// Version 3: `delivery.first_claimed_at`, set by the first claim and kept by every later one
    /// (the SQLite store's v7). A channel signs a delivery's unsigned document at that date and the
    /// signed bytes are stored with the attempt's completion, so an attempt whose completion was
    /// lost is signed again to the same bytes.
    private static let firstClaim = [
        "ALTER TABLE delivery ADD COLUMN first_claimed_at bigint"
    ]
}

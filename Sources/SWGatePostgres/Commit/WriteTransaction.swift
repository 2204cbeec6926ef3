import Foundation
import Logging
import PostgresNIO
import SWGateStore

/// One open write transaction of a group commit, as the units of work see it: its connection,
/// the audit entries its units appended, and whether a wake-up is to be sent at commit.
///
/// Each instance appends to an audit chain of its own (`PostgresStoreConfiguration.auditChain`):
/// just before `COMMIT`, ``finish(channel:chain:)`` locks that chain's row of `audit_chain_head`
/// (`SELECT … FOR UPDATE`), numbers and hashes the transaction's entries after it (`position`),
/// and writes them; their `seq`, the order across chains, comes from a sequence at insert. Only
/// the transactions of one instance wait for each other there, so several instances commit side
/// by side (and PostgreSQL flushes their commits together) instead of one after the other. The
/// head is the last lock a writer takes and its holder takes no other, so writers cannot deadlock.
///
/// Not `Sendable`: a transaction belongs to the one flush task that runs its units in order.
final class WriteTransaction {
    let connection: PostgresConnection
    let logger: Logger
    /// Entries appended in this transaction, chained and inserted together by ``finish(channel:chain:)``.
    private var pending: [PendingEntry] = []
    /// Set by a unit that stored work another instance may take: NOTIFY is sent before COMMIT and
    /// delivered by PostgreSQL only if the transaction commits.
    var notify = false

    /// What the transaction held before a unit, to return to when that unit's savepoint is rolled back.
    struct Mark {
        fileprivate let notify: Bool
        fileprivate let pendingCount: Int
    }

    private struct PendingEntry {
        var at: Int64
        var event: String
        var messageID: String?
        var destination: String?
        var actor: String
        var detail: String
    }

    /// Call right after `BEGIN`.
    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Runs `query` in the transaction and returns every row.
    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await connection.query(query, logger: logger).all()
    }

    /// Appends one audit entry to the transaction's entries; it is numbered, chained and written
    /// with the others just before the transaction commits.
    func append(at: Int64, event: AuditEvent, messageID: String?, destination: String?, actor: String, detail: String) async throws {
        pending.append(PendingEntry(at: at, event: event.rawValue, messageID: messageID, destination: destination, actor: actor, detail: detail))
    }

    var mark: Mark { Mark(notify: notify, pendingCount: pending.count) }

    func restore(_ mark: Mark) {
        notify = mark.notify
        pending.removeLast(pending.count - mark.pendingCount)
    }

    /// Locks the head of audit chain `chain`, writes the appended entries after it and the head
    /// they reach, and queues the wake-up (two statements; three on a chain's first write); call
    /// before `COMMIT`.
    func finish(channel: String, chain: String) async throws {
        guard !pending.isEmpty else {
            if notify { try await rows("SELECT pg_notify(\(channel), '')") }
            return
        }
        let lock: PostgresQuery = "SELECT position, hash FROM audit_chain_head WHERE chain = \(chain) FOR UPDATE"
        var head = try await rows(lock).first
        if head == nil {
            // A chain's first entry: its head starts at position 0 with the genesis hash.
            try await rows(
                "INSERT INTO audit_chain_head (chain, position, hash) VALUES (\(chain), 0, \(AuditEntry.genesisHash)) ON CONFLICT DO NOTHING")
            head = try await rows(lock).first
        }
        guard let row = head else { throw OutboxError(.storeCorrupted, "the head of audit chain '\(chain)' cannot be read") }
        var sequence = try row.value("position", as: Int64.self)
        var hash = try row.value("hash", as: String.self)
        var sequences: [Int64] = []
        var previous: [String] = []
        var hashes: [String] = []
        for entry in pending {
            sequence += 1
            previous.append(hash)
            hash = AuditEntry.canonicalHash(
                sequence: sequence, atMilliseconds: entry.at, event: entry.event, messageID: entry.messageID, destination: entry.destination,
                actor: entry.actor, detail: entry.detail, previousHash: hash)
            sequences.append(sequence)
            hashes.append(hash)
        }
        let entries = pending
        try await rows(
            """
            WITH entry AS (
                INSERT INTO audit_log (chain, position, at, event, message_id, destination, actor, detail, prev_hash, hash)
                SELECT \(chain), s, a, e, CASE WHEN hm THEN m END, CASE WHEN hd THEN d END, ac, de, p, h
                FROM unnest(\(sequences)::bigint[], \(entries.map(\.at))::bigint[], \(entries.map(\.event))::text[],
                    \(entries.map { $0.messageID ?? "" })::text[], \(entries.map { $0.messageID != nil })::bool[],
                    \(entries.map { $0.destination ?? "" })::text[], \(entries.map { $0.destination != nil })::bool[],
                    \(entries.map(\.actor))::text[], \(entries.map(\.detail))::text[], \(previous)::text[], \(hashes)::text[])
                    AS entry(s, a, e, m, hm, d, hd, ac, de, p, h)
            ), head AS (
                UPDATE audit_chain_head SET position = \(sequence), hash = \(hash) WHERE chain = \(chain)
            )
            SELECT CASE WHEN \(notify) THEN pg_notify(\(channel), '') END
            """)
        pending.removeAll()
    }
}

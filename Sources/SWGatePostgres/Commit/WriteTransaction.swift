import Foundation
import Logging
import PostgresNIO
import SWGateStore

/// One open write transaction of a group commit, as the units of work see it: its connection,
/// the end of the audit chain, and whether a wake-up is to be sent at commit.
///
/// Every write transaction first locks the single row of `audit_head` (`SELECT … FOR UPDATE`).
/// That keeps the audit chain one linear chain whatever the number of gateway instances, and it
/// serialises writing transactions across instances: a claim's query runs after every earlier
/// writer committed, so two instances never see the same delivery or conversation as free. Because
/// the head is always the first lock taken, writers cannot deadlock on it.
///
/// Not `Sendable`: a transaction belongs to the one flush task that runs its units in order.
final class WriteTransaction {
    let connection: PostgresConnection
    let logger: Logger
    private var head: (sequence: Int64, hash: String)
    private var headChanged = false
    /// Entries appended in this transaction, inserted together by ``finish(channel:)``.
    private var pending: [PendingEntry] = []
    /// Set by a unit that stored work another instance may take: NOTIFY is sent before COMMIT and
    /// delivered by PostgreSQL only if the transaction commits.
    var notify = false

    /// Where the chain ended before a unit, to return to when that unit's savepoint is rolled back.
    struct Mark {
        fileprivate let head: (sequence: Int64, hash: String)
        fileprivate let headChanged: Bool
        fileprivate let notify: Bool
        fileprivate let pendingCount: Int
    }

    private struct PendingEntry {
        var sequence: Int64
        var at: Int64
        var event: String
        var messageID: String?
        var destination: String?
        var actor: String
        var detail: String
        var previousHash: String
        var hash: String
    }

    /// Locks the audit head; call right after `BEGIN`.
    init(connection: PostgresConnection, logger: Logger) async throws {
        self.connection = connection
        self.logger = logger
        let row = try await connection.query("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE", logger: logger).first()
        guard let row else { throw OutboxError(.storeCorrupted, "the audit head row is missing") }
        head = (try row.value("seq", as: Int64.self), try row.value("hash", as: String.self))
    }

    /// Runs `query` in the transaction and returns every row.
    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await connection.query(query, logger: logger).all()
    }

    /// Appends one audit entry after the current end of the chain. The row is written with the
    /// transaction's other entries, in one statement, just before it commits.
    func append(at: Int64, event: AuditEvent, messageID: String?, destination: String?, actor: String, detail: String) async throws {
        let sequence = head.sequence + 1
        let hash = AuditEntry.canonicalHash(
            sequence: sequence, atMilliseconds: at, event: event.rawValue, messageID: messageID, destination: destination, actor: actor,
            detail: detail, previousHash: head.hash)
        pending.append(
            PendingEntry(
                sequence: sequence, at: at, event: event.rawValue, messageID: messageID, destination: destination, actor: actor, detail: detail,
                previousHash: head.hash, hash: hash))
        head = (sequence, hash)
        headChanged = true
    }

    var mark: Mark { Mark(head: head, headChanged: headChanged, notify: notify, pendingCount: pending.count) }

    func restore(_ mark: Mark) {
        head = mark.head
        headChanged = mark.headChanged
        notify = mark.notify
        pending.removeLast(pending.count - mark.pendingCount)
    }

    /// Writes the appended entries and the head they reached, and queues the wake-up, in one
    /// statement; call before `COMMIT`.
    func finish(channel: String) async throws {
        guard !pending.isEmpty || headChanged else {
            if notify { try await rows("SELECT pg_notify(\(channel), '')") }
            return
        }
        let entries = pending
        try await rows(
            """
            WITH entry AS (
                INSERT INTO audit_log (seq, at, event, message_id, destination, actor, detail, prev_hash, hash)
                SELECT s, a, e, CASE WHEN hm THEN m END, CASE WHEN hd THEN d END, ac, de, p, h
                FROM unnest(\(entries.map(\.sequence))::bigint[], \(entries.map(\.at))::bigint[], \(entries.map(\.event))::text[],
                    \(entries.map { $0.messageID ?? "" })::text[], \(entries.map { $0.messageID != nil })::bool[],
                    \(entries.map { $0.destination ?? "" })::text[], \(entries.map { $0.destination != nil })::bool[],
                    \(entries.map(\.actor))::text[], \(entries.map(\.detail))::text[], \(entries.map(\.previousHash))::text[],
                    \(entries.map(\.hash))::text[])
                    AS entry(s, a, e, m, hm, d, hd, ac, de, p, h)
            ), head AS (
                UPDATE audit_head SET seq = \(head.sequence), hash = \(head.hash) WHERE id = 1
            )
            SELECT CASE WHEN \(notify) THEN pg_notify(\(channel), '') END
            """)
        pending.removeAll()
        headChanged = false
    }
}

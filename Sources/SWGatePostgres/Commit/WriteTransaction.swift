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
    /// Set by a unit that stored work another instance may take: NOTIFY is sent before COMMIT and
    /// delivered by PostgreSQL only if the transaction commits.
    var notify = false

    /// Where the chain ended before a unit, to return to when that unit's savepoint is rolled back.
    struct Mark {
        fileprivate let head: (sequence: Int64, hash: String)
        fileprivate let headChanged: Bool
        fileprivate let notify: Bool
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

    /// Appends one audit entry after the current end of the chain.
    func append(at: Int64, event: AuditEvent, messageID: String?, destination: String?, actor: String, detail: String) async throws {
        let sequence = head.sequence + 1
        let hash = AuditEntry.canonicalHash(
            sequence: sequence, atMilliseconds: at, event: event.rawValue, messageID: messageID, destination: destination, actor: actor,
            detail: detail, previousHash: head.hash)
        try await rows(
            """
            INSERT INTO audit_log (seq, at, event, message_id, destination, actor, detail, prev_hash, hash)
            VALUES (\(sequence), \(at), \(event.rawValue), \(messageID), \(destination), \(actor), \(detail), \(head.hash), \(hash))
            """)
        head = (sequence, hash)
        headChanged = true
    }

    var mark: Mark { Mark(head: head, headChanged: headChanged, notify: notify) }

    func restore(_ mark: Mark) {
        head = mark.head
        headChanged = mark.headChanged
        notify = mark.notify
    }

    /// Stores the head the appends reached and queues the wake-up; call before `COMMIT`.
    func finish(channel: String) async throws {
        if headChanged {
            try await rows("UPDATE audit_head SET seq = \(head.sequence), hash = \(head.hash) WHERE id = 1")
            headChanged = false
        }
        if notify { try await rows("SELECT pg_notify(\(channel), '')") }
    }
}

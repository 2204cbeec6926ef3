import GRDB

/// The end of the audit chain as one write transaction sees it: read from `audit_head` at the
/// transaction's first append, advanced in memory by every append, and written back once before
/// the transaction commits. A group-commit batch of N entries reads and writes the head row once
/// instead of N times each; the entries, their sequence numbers and hashes are exactly those of N
/// separate appends.
///
/// `@unchecked Sendable` only so that it can be a task-local value: a tail is made for one write
/// transaction, bound (synchronously) on the thread that runs that transaction and dropped when it
/// ends, so it is never touched by two threads.
final class AuditChainTail: @unchecked Sendable {
    /// The tail of the group-commit transaction running on this thread; nil outside one, where
    /// every append reads and writes the head itself.
    @TaskLocal static var current: AuditChainTail?

    /// Where the chain ended at some point of the transaction, to return to when a savepoint holding
    /// later appends is rolled back.
    struct Mark {
        fileprivate let head: Head?
        fileprivate let changed: Bool
    }

    fileprivate struct Head {
        var sequence: Int64
        var hash: String
    }

    /// nil until the first append reads the stored head.
    private var head: Head?
    /// The in-memory head is ahead of the stored one.
    private var changed = false

    /// Runs `body` with a fresh tail bound for its appends, then stores the head it reached.
    static func batching<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        let tail = AuditChainTail()
        let value = try $current.withValue(tail) { try body() }
        try tail.store(db)
        return value
    }

    /// The sequence number and previous hash of the next entry.
    func next(_ db: Database) throws -> (sequence: Int64, previousHash: String) {
        let head = try self.head ?? load(db)
        self.head = head
        return (head.sequence + 1, head.hash)
    }

    /// Records that the entry `sequence` with `hash` was inserted.
    func advance(to sequence: Int64, hash: String) {
        head = Head(sequence: sequence, hash: hash)
        changed = true
    }

    var mark: Mark { Mark(head: head, changed: changed) }

    func restore(_ mark: Mark) {
        head = mark.head
        changed = mark.changed
    }

    /// Writes the head back if appends moved it.
    func store(_ db: Database) throws {
        guard changed, let head else { return }
        let update = DirectStatement(
            try db.cachedStatement(
                sql: "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"
            ))
        update.bind(head.sequence, at: 1)
        update.bind(head.hash, at: 2)
        try update.execute()
        changed = false
    }

    private func load(_ db: Database) throws -> Head {
        let stored = try DirectStatement(db.cachedStatement(sql: "SELECT seq, hash FROM audit_head WHERE id = 1")).fetchOne {
            (sequence: $0.int64(0), hash: $0.string(1))
        }
        guard let stored else { return Head(sequence: 0, hash: AuditEntry.genesisHash) }
        return Head(sequence: stored.sequence, hash: stored.hash ?? AuditEntry.genesisHash)
    }
}

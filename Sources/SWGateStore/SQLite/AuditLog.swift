import Foundation
import GRDB

/// Appends to and reads the audit chain. Appends run inside the caller's write transaction, so an
/// entry exists exactly when the state change it describes was committed.
enum AuditLog {
    /// Appends one entry. Inside a group-commit transaction the chain's head comes from the
    /// transaction's `AuditChainTail` (read once, stored once before commit); elsewhere the head row
    /// is read and written for this entry alone.
    static func append(
        _ db: Database, at: Int64, event: AuditEvent, messageID: String?, destination: String?, actor: String, detail: String
    ) throws {
        guard let tail = AuditChainTail.current else {
            let tail = AuditChainTail()
            try insert(db, tail, at: at, event: event, messageID: messageID, destination: destination, actor: actor, detail: detail)
            try tail.store(db)
            return
        }
        try insert(db, tail, at: at, event: event, messageID: messageID, destination: destination, actor: actor, detail: detail)
    }

    private static func insert(
        _ db: Database, _ tail: AuditChainTail, at: Int64, event: AuditEvent, messageID: String?, destination: String?, actor: String,
        detail: String
    ) throws {
        let (sequence, previousHash) = try tail.next(db)
        let hash = AuditEntry.canonicalHash(
            sequence: sequence, atMilliseconds: at, event: event.rawValue, messageID: messageID, destination: destination,
            actor: actor, detail: detail, previousHash: previousHash)
        let insert = DirectStatement(
            try db.cachedStatement(
                sql: "INSERT INTO audit_log (seq, at, event, message_id, destination, actor, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ))
        insert.bind(sequence, at: 1)
        insert.bind(at, at: 2)
        insert.bind(event.rawValue, at: 3)
        insert.bind(messageID, at: 4)
        insert.bind(destination, at: 5)
        insert.bind(actor, at: 6)
        insert.bind(detail, at: 7)
        insert.bind(previousHash, at: 8)
        insert.bind(hash, at: 9)
        try insert.execute()
        tail.advance(to: sequence, hash: hash)
    }

    static func entries(_ db: Database, messageID: String?) throws -> [AuditEntry] {
        let rows: [Row]
        if let messageID {
            rows = try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE message_id = ? ORDER BY seq", arguments: [messageID])
        } else {
            rows = try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY seq")
        }
        return rows.map { row in
            AuditEntry(
                sequence: row["seq"], at: Date(storeMilliseconds: row["at"]), event: AuditEvent(row["event"]),
                messageID: row["message_id"], destination: row["destination"], actor: row["actor"], detail: row["detail"],
                previousHash: row["prev_hash"], hash: row["hash"])
        }
    }

    /// Streams the whole log through the verifier without loading it into memory.
    static func verify(_ db: Database) throws -> AuditReport {
        var verifier = AuditVerifier()
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM audit_log ORDER BY seq")
        while let row = try cursor.next() {
            verifier.check(
                AuditVerifier.Row(
                    sequence: row["seq"], atMilliseconds: row["at"], event: row["event"], messageID: row["message_id"],
                    destination: row["destination"], actor: row["actor"], detail: row["detail"], previousHash: row["prev_hash"],
                    hash: row["hash"]))
        }
        let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_head WHERE id = 1")
        return verifier.finish(head: head.map { (sequence: $0["seq"], hash: $0["hash"]) })
    }
}

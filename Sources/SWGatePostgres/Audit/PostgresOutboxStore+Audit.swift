import Foundation
import PostgresNIO
public import SWGateStore

extension PostgresOutboxStore {
    public func auditEntries(messageID: String?) async throws -> [AuditEntry] {
        let query: PostgresQuery =
            messageID.map { "SELECT * FROM audit_log WHERE message_id = \($0) ORDER BY seq" } ?? "SELECT * FROM audit_log ORDER BY seq"
        return try await read(bounded: messageID != nil) { connection in
            try await connection.query(query, logger: Self.quietLogger).all().map { row in
                AuditEntry(
                    sequence: try row.value("seq"), at: try row.date("at"), event: AuditEvent(try row.value("event", as: String.self)),
                    messageID: try row.value("message_id"), destination: try row.value("destination"), actor: try row.value("actor"),
                    detail: try row.value("detail"), previousHash: try row.value("prev_hash"), hash: try row.value("hash"))
            }
        }
    }

    /// Chained with the entries of the group-commit transaction it joins, like every other entry.
    public func record(_ action: OperatorAction) async throws {
        let at = action.at.storeMilliseconds
        try await write { transaction in
            try await transaction.append(
                at: at, event: action.event, messageID: action.messageID, destination: action.destination, actor: action.actor,
                detail: action.detail)
        }
    }

    /// Streams the whole chain through the verifier in one REPEATABLE READ snapshot, so that the
    /// log and the head are seen as of one instant while other instances keep appending.
    public func verifyAudit() async throws -> AuditReport {
        try await read(bounded: false) { connection in
            let logger = Self.quietLogger
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger).all()
            do {
                var verifier = AuditVerifier()
                for try await row in try await connection.query("SELECT * FROM audit_log ORDER BY seq", logger: logger) {
                    let row = row.makeRandomAccess()
                    verifier.check(
                        AuditVerifier.Row(
                            sequence: try row.value("seq"), atMilliseconds: try row.value("at"), event: try row.value("event"),
                            messageID: try row.value("message_id"), destination: try row.value("destination"), actor: try row.value("actor"),
                            detail: try row.value("detail"), previousHash: try row.value("prev_hash"), hash: try row.value("hash")))
                }
                let head = try await connection.query("SELECT seq, hash FROM audit_head WHERE id = 1", logger: logger).first()
                try await connection.query("COMMIT", logger: logger).all()
                // seq 0 is the head of an empty chain (the row exists from the start, to be locked).
                let recorded = try head.map { (sequence: try $0.value("seq", as: Int64.self), hash: try $0.value("hash", as: String.self)) }
                return verifier.finish(head: recorded.flatMap { $0.sequence == 0 ? nil : $0 })
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger).all()
                throw error
            }
        }
    }
}

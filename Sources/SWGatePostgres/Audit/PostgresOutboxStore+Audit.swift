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

    /// Streams every chain through a verifier of its own in one REPEATABLE READ snapshot, so that
    /// the log and the heads are seen as of one instant while instances keep appending. A chain is
    /// checked by its positions (what its hashes cover); a problem names the chain, and its
    /// sequence is the entry's `seq` where the entry exists.
    public func verifyAudit() async throws -> AuditReport {
        try await read(bounded: false) { connection in
            let logger = Self.quietLogger
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger).all()
            do {
                var chains = ChainVerification()
                for try await row in try await connection.query("SELECT * FROM audit_log ORDER BY chain, position", logger: logger) {
                    let row = row.makeRandomAccess()
                    chains.check(
                        chain: try row.value("chain"), seq: try row.value("seq"),
                        AuditVerifier.Row(
                            sequence: try row.value("position"), atMilliseconds: try row.value("at"), event: try row.value("event"),
                            messageID: try row.value("message_id"), destination: try row.value("destination"), actor: try row.value("actor"),
                            detail: try row.value("detail"), previousHash: try row.value("prev_hash"), hash: try row.value("hash")))
                }
                var heads: [String: (sequence: Int64, hash: String)] = [:]
                for try await row in try await connection.query("SELECT chain, position, hash FROM audit_chain_head", logger: logger) {
                    let row = row.makeRandomAccess()
                    heads[try row.value("chain", as: String.self)] = (
                        try row.value("position", as: Int64.self), try row.value("hash", as: String.self)
                    )
                }
                try await connection.query("COMMIT", logger: logger).all()
                return chains.finish(heads: heads)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger).all()
                throw error
            }
        }
    }
}

/// The per-chain verification of ``PostgresOutboxStore/verifyAudit()``: one ``AuditVerifier``
/// per chain, fed in position order, and one report for all of them.
private struct ChainVerification {
    private var verifiers: [String: AuditVerifier] = [:]
    /// Chain → position → seq, to report a problem at the entry's `seq`.
    private var sequences: [String: [Int64: Int64]] = [:]
    private var lastSequence: Int64?

    mutating func check(chain: String, seq: Int64, _ row: AuditVerifier.Row) {
        verifiers[chain, default: AuditVerifier()].check(row)
        sequences[chain, default: [:]][row.sequence] = seq
        lastSequence = max(lastSequence ?? seq, seq)
    }

    /// Every chain against its head (position 0 is the head of a chain without entries).
    mutating func finish(heads: [String: (sequence: Int64, hash: String)]) -> AuditReport {
        var count = 0
        var problems: [AuditReport.Problem] = []
        for chain in Set(verifiers.keys).union(heads.keys).sorted() {
            var verifier = verifiers[chain] ?? AuditVerifier()
            let report = verifier.finish(head: heads[chain].flatMap { $0.sequence == 0 ? nil : $0 })
            count += report.entryCount
            let name = chain.isEmpty ? "the first chain" : "chain \(chain)"
            problems += report.problems.map { problem in
                AuditReport.Problem(sequence: sequences[chain]?[problem.sequence] ?? problem.sequence, reason: "\(name): \(problem.reason)")
            }
        }
        return AuditReport(entryCount: count, lastSequence: lastSequence, problems: problems.sorted { $0.sequence < $1.sequence })
    }
}

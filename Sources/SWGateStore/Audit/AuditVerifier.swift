import Foundation

/// Walks the audit entries in sequence order and explains every break in the chain.
///
/// - an entry whose content no longer matches its own hash was **edited**;
/// - an entry whose `previousHash` differs from the previous entry's hash follows an entry that
///   was **inserted, deleted or rewritten** (with its hash recomputed) before it;
/// - a gap in sequence numbers means entries were **deleted**;
/// - a log that ends before the recorded head lost entries **at its end**.
package struct AuditVerifier {
    package struct Row {
        package var sequence: Int64
        var atMilliseconds: Int64
        var event: String
        var messageID: String?
        var destination: String?
        var actor: String
        var detail: String
        var previousHash: String
        var hash: String

        package init(
            sequence: Int64, atMilliseconds: Int64, event: String, messageID: String?, destination: String?, actor: String, detail: String,
            previousHash: String, hash: String
        ) {
            self.sequence = sequence
            self.atMilliseconds = atMilliseconds
            self.event = event
            self.messageID = messageID
            self.destination = destination
            self.actor = actor
            self.detail = detail
            self.previousHash = previousHash
            self.hash = hash
        }
    }

    private(set) var problems: [AuditReport.Problem] = []
    private(set) var count = 0
    private var previous: (sequence: Int64, hash: String)?

    package init() {}

    package mutating func check(_ row: Row) {
        count += 1
        let recomputed = AuditEntry.sha256Hex(
            AuditEntry.canonicalForm(
                sequence: row.sequence, atMilliseconds: row.atMilliseconds, event: row.event, messageID: row.messageID,
                destination: row.destination, actor: row.actor, detail: row.detail, previousHash: row.previousHash))
        if recomputed != row.hash {
            problems.append(.init(sequence: row.sequence, reason: "entry \(row.sequence) was edited: its content does not match its hash"))
        }
        if let previous {
            if row.sequence != previous.sequence + 1 {
                let missing =
                    row.sequence == previous.sequence + 2
                    ? "entry \(previous.sequence + 1) is" : "entries \(previous.sequence + 1)...\(row.sequence - 1) are"
                problems.append(.init(sequence: row.sequence, reason: "\(missing) missing (deleted) before entry \(row.sequence)"))
            } else if row.previousHash != previous.hash {
                problems.append(
                    .init(
                        sequence: row.sequence,
                        reason: "entry \(row.sequence) does not chain to entry \(previous.sequence): "
                            + "an entry was inserted, deleted or rewritten before it"))
            }
        } else if row.sequence != 1 {
            problems.append(.init(sequence: row.sequence, reason: "entries 1...\(row.sequence - 1) are missing (deleted) at the start"))
        } else if row.previousHash != AuditEntry.genesisHash {
            problems.append(.init(sequence: row.sequence, reason: "entry 1 does not start the chain: an entry was inserted before it"))
        }
        // Chain onward from what the entry claims, so one edit is reported once, not at every later entry.
        previous = (row.sequence, row.hash)
    }

    /// Compares the end of the log with the head recorded in the same transactions.
    package mutating func finish(head: (sequence: Int64, hash: String)?) -> AuditReport {
        switch (previous, head) {
        case (nil, nil):
            break
        case (let last?, nil):
            problems.append(.init(sequence: last.sequence, reason: "the audit head is missing: the log cannot be checked at its end"))
        case (nil, let head?):
            problems.append(.init(sequence: head.sequence, reason: "all entries up to \(head.sequence) are missing (deleted)"))
        case (let last?, let head?):
            if last.sequence < head.sequence {
                problems.append(
                    .init(sequence: last.sequence + 1, reason: "entries \(last.sequence + 1)...\(head.sequence) are missing (deleted) at the end"))
            } else if last.sequence > head.sequence {
                problems.append(
                    .init(sequence: head.sequence + 1, reason: "entries after \(head.sequence) were appended outside the gateway (inserted)"))
            } else if last.hash != head.hash {
                problems.append(.init(sequence: last.sequence, reason: "entry \(last.sequence) does not match the recorded head hash (rewritten)"))
            }
        }
        return AuditReport(entryCount: count, lastSequence: previous?.sequence, problems: problems)
    }
}

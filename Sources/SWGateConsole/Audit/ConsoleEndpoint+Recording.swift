import Foundation
import SWGateStore

extension ConsoleEndpoint {
    /// Longest actor name written for a failed sign-in: the name typed is not trusted.
    static let typedNameLimit = 100

    /// Appends the action to the audit chain and returns once it is committed. The action it
    /// records happens only afterwards, so that none goes unrecorded: when the store cannot write,
    /// the caller fails with it.
    func appendAudit(
        _ event: AuditEvent, by actor: String, _ detail: String, messageID: String? = nil, destination: String? = nil
    ) async throws {
        try await context.store.record(OperatorAction(event: event, actor: actor, detail: detail, messageID: messageID, destination: destination))
    }

    /// What a verification found, in one line for the audit log.
    static func summary(_ report: AuditReport) -> String {
        guard let first = report.problems.first else {
            return "chain intact: \(report.entryCount) entries checked, up to entry \(report.lastSequence.map(String.init) ?? "–")"
        }
        return "chain BROKEN: \(report.problems.count) problem(s) in \(report.entryCount) entries; first at entry \(first.sequence): \(first.reason)"
    }

    /// Size and digest of downloaded bytes, as the `signed` entry states them.
    static func describe(_ body: Data, contentType: String) -> String {
        "\(contentType), \(body.count) bytes, sha256 \(AuditEntry.sha256Hex(body))"
    }
}

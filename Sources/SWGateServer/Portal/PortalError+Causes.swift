import SWGateDomain
import SWGateStore
import SWGateXML

extension PortalError {
    /// The problem for a body the hardened parser refused: its title names the real reason (a
    /// DOCTYPE, a depth or node limit, the size), not only "not well-formed"; the parser's message,
    /// line and column are the detail and the one listed error.
    init(parsing error: XMLError) {
        let code: Code
        switch error.code {
        case .dtdForbidden: code = .doctypeForbidden
        case .tooDeep, .tooManyNodes: code = .xmlLimitExceeded
        case .tooLarge: code = .tooLarge
        case .malformed: code = .notWellFormed
        default: code = .invalidDocument
        }
        let at = error.line > 0 ? " (line \(error.line), column \(error.column))" : ""
        self.init(
            code, error.message + at,
            issues: [ValidationIssue(rule: RuleID(error.code.rawValue), message: error.message, line: error.line, column: error.column)])
    }

    /// The problem for a refusal decided by the store while it stored a submission.
    init(storing error: OutboxError, summary: DocumentSummary) {
        switch error.code {
        case .submissionConflict:
            self.init(.idempotencyConflict, error.reason)
        case .idempotencyConflict:
            self.init(
                .referenceConflict,
                "\(summary.documentType) \(summary.reference) (\(summary.function)) was already accepted with different content")
        case .unknownPredecessor:
            self.init(
                .unknownPredecessor,
                "\(summary.function) \(summary.reference) replaces \(summary.replaces ?? "?"), which this gateway has "
                    + "not accepted: submit the document it replaces first")
        default:
            self.init(.unavailable, "the outbox could not store the message: \(error)")
        }
    }
}

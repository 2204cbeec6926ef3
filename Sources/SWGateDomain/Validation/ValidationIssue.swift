/// One failed check: which rule, what is wrong, and where.
public struct ValidationIssue: Sendable, Hashable, Codable {
    public var rule: RuleID
    public var message: String
    /// Location path, e.g. `/FormD/Item[2]/HSCode`; "" when the issue concerns the whole document.
    public var path: String
    /// 1-based line, or 0 when unknown.
    public var line: Int
    /// 1-based column (in characters), or 0 when unknown.
    public var column: Int

    public init(rule: RuleID, message: String, path: String = "", line: Int = 0, column: Int = 0) {
        self.rule = rule
        self.message = message
        self.path = path
        self.line = line
        self.column = column
    }
}

/// The outcome of validating one document: every failure, not just the first.
public struct ValidationReport: Sendable, Hashable, Codable {
    /// What the document was recognised as.
    public enum DocumentKind: String, Sendable, Hashable, Codable {
        case formD = "form-d"
        case nswEnvelope = "nsw-envelope"
        case unknown
    }

    public var kind: DocumentKind
    public var issues: [ValidationIssue]

    public init(kind: DocumentKind, issues: [ValidationIssue]) {
        self.kind = kind
        self.issues = issues
    }

    /// True when no rule failed.
    public var isValid: Bool { issues.isEmpty }
}

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
    /// What the document was recognised as: a profile's document type (`ATIGA-FORM-D`,
    /// `IMPORT-EXPORT-LICENCE`, …), an NSW envelope, or nothing the gateway knows.
    public struct DocumentKind: Sendable, Hashable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let formD = DocumentKind(DocumentProfile.formDType)
        public static let nswEnvelope = DocumentKind("nsw-envelope")
        public static let unknown = DocumentKind("unknown")

        public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
    }

    public var kind: DocumentKind
    public var issues: [ValidationIssue]
    /// The business document's summary (the one an envelope carries, for an envelope), when the
    /// document is valid: computed here once, so intake and the channels need not read it again.
    public var summary: DocumentSummary?

    public init(kind: DocumentKind, issues: [ValidationIssue], summary: DocumentSummary? = nil) {
        self.kind = kind
        self.issues = issues
        self.summary = summary
    }

    /// True when no rule failed.
    public var isValid: Bool { issues.isEmpty }
}

/// A document that could not be read as XML, or that broke one of the gateway's limits.
///
/// `code` is extensible: new codes are static members, so clients that switch on it with a
/// default keep compiling.
public struct XMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable identifier (also used as the rule id in reports).
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Not well-formed XML, or not XML at all.
        public static let malformed = Code(rawValue: "XML-MALFORMED")
        /// The document carries a DOCTYPE (internal subset, external DTD or entity declarations).
        public static let dtdForbidden = Code(rawValue: "XML-DTD-FORBIDDEN")
        /// The document is larger than ``XMLLimits/maxBytes``.
        public static let tooLarge = Code(rawValue: "XML-TOO-LARGE")
        /// Elements are nested deeper than ``XMLLimits/maxDepth``.
        public static let tooDeep = Code(rawValue: "XML-TOO-DEEP")
        /// More nodes than ``XMLLimits/maxNodes``.
        public static let tooManyNodes = Code(rawValue: "XML-TOO-MANY-NODES")
        /// A schema could not be read or compiled.
        public static let schemaUnusable = Code(rawValue: "XML-SCHEMA-UNUSABLE")
        /// libxml2 failed for a reason unrelated to the input (out of memory).
        public static let internalFailure = Code(rawValue: "XML-INTERNAL")
    }

    public var code: Code
    /// A sentence for people, naming the problem.
    public var message: String
    /// 1-based line of the problem, or 0 when it concerns the document as a whole.
    public var line: Int
    /// 1-based column of the problem, or 0 when unknown.
    public var column: Int

    public init(code: Code, message: String, line: Int = 0, column: Int = 0) {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String {
        line > 0 ? "\(line):\(column): \(code): \(message)" : "\(code): \(message)"
    }
}

/// The result of checking the audit chain end to end.
public struct AuditReport: Sendable, Codable, Hashable {
    /// One problem, pinned to the entry where the chain breaks.
    public struct Problem: Sendable, Codable, Hashable {
        public var sequence: Int64
        public var reason: String
    }

    public var entryCount: Int
    public var lastSequence: Int64?
    public var problems: [Problem]
    public var isIntact: Bool { problems.isEmpty }
}

/// The result of checking the audit chain end to end.
public struct AuditReport: Sendable, Codable, Hashable {
    /// One problem, pinned to the entry where the chain breaks.
    public struct Problem: Sendable, Codable, Hashable {
        public var sequence: Int64
        public var reason: String

        package init(sequence: Int64, reason: String) {
            self.sequence = sequence
            self.reason = reason
        }
    }

    public var entryCount: Int
    public var lastSequence: Int64?
    public var problems: [Problem]
    public var isIntact: Bool { problems.isEmpty }

    package init(entryCount: Int, lastSequence: Int64?, problems: [Problem]) {
        self.entryCount = entryCount
        self.lastSequence = lastSequence
        self.problems = problems
    }
}

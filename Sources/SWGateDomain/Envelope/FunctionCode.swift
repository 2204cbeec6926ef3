/// The `function` of an NSW message (docs/nsw-profile.md), and the code table that maps it to a
/// partner's numeric codes where a partner needs them.
public enum FunctionCode: String, Sendable, Hashable, Codable, CaseIterable {
    /// A new certificate.
    case issue = "ISSUE"
    /// A replacement for an issued certificate.
    case amend = "AMEND"
    /// Cancellation of an issued certificate.
    case cancel = "CANCEL"
    /// The message was received.
    case ack = "ACK"
    /// The message was refused, with errors.
    case reject = "REJECT"
    /// A decision, e.g. preferential treatment given or not given.
    case status = "STATUS"

    /// The default numeric codes (docs/code-tables.md), after the UN/EDIFACT 1225 message
    /// function codes where one exists: 9 original, 5 replace, 1 cancellation, 6 confirmation
    /// (ACK), 27 not accepted (REJECT), 11 response (STATUS).
    public static let defaultNumericCodes: [FunctionCode: Int] = [
        .issue: 9, .amend: 5, .cancel: 1, .ack: 6, .reject: 27, .status: 11,
    ]

    /// A partner's numeric code for this function, from `table` (default: ``defaultNumericCodes``).
    public func numericCode(in table: [FunctionCode: Int] = defaultNumericCodes) -> Int? { table[self] }

    /// The function a partner's numeric code stands for.
    public init?(numericCode: Int, in table: [FunctionCode: Int] = defaultNumericCodes) {
        guard let match = table.first(where: { $0.value == numericCode }) else { return nil }
        self = match.key
    }
}

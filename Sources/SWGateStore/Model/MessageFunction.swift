/// The business function of a message (the `function` codes of docs/nsw-profile.md). A struct so that
/// partners' extra codes can be added without breaking clients.
public struct MessageFunction: StringCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let issue = MessageFunction("ISSUE")
    public static let amend = MessageFunction("AMEND")
    public static let cancel = MessageFunction("CANCEL")
    public static let ack = MessageFunction("ACK")
    public static let reject = MessageFunction("REJECT")
    public static let status = MessageFunction("STATUS")
}

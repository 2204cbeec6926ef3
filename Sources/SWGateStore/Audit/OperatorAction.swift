public import Foundation

/// Something an operator did that changed no delivery but belongs in the audit log all the same
/// ("who looked at what, who signed in"): a sign-in, a download of the bytes sent, an export, a
/// run of the chain verification. Stored as one audit entry, chained like every other; an action
/// about no message has no message id and no destination (the columns are nullable in both stores).
public struct OperatorAction: Sendable, Hashable {
    public var event: AuditEvent
    /// The operator's name, or for a failed sign-in the name that was typed.
    public var actor: String
    public var detail: String
    public var messageID: String?
    public var destination: String?
    public var at: Date

    public init(event: AuditEvent, actor: String, detail: String, messageID: String? = nil, destination: String? = nil, at: Date = Date()) {
        self.event = event
        self.actor = actor
        self.detail = detail
        self.messageID = messageID
        self.destination = destination
        self.at = at
    }
}

public import Foundation

/// A delivery claimed by a worker: state `sending`, leased to `owner` until `leaseExpiresAt`.
public struct ClaimedDelivery: Sendable, Hashable {
    public var deliveryID: Int64
    /// The gateway's message id.
    public var messageID: String
    public var wireMessageID: String
    public var destination: String
    public var conversation: String
    public var function: MessageFunction
    public var payload: Data
    public var contentType: String
    /// This attempt's number within the current retry budget (1 for the first try, reset by replay).
    public var attempt: Int
    public var acceptedAt: Date
    /// When the current retry budget started: acceptance, or the last replay.
    public var budgetStartedAt: Date
    public var owner: String
    public var leaseExpiresAt: Date
    /// The party the message came from (`portal`, `nsw`, `asw`): whom a partner's answer goes back to.
    public var source: String
    /// The business document's summary stored at intake (``NewMessage/summary``), when there is one.
    public var summary: Data?
    /// When the delivery was first claimed (kept across retries, lost leases and restarts): the
    /// date a channel signs its unsigned document at, so that signing it again after an attempt
    /// whose completion was lost gives the same bytes.
    public var firstClaimedAt: Date

    public init(
        deliveryID: Int64, messageID: String, wireMessageID: String, destination: String, conversation: String, function: MessageFunction,
        payload: Data, contentType: String, attempt: Int, acceptedAt: Date, budgetStartedAt: Date, owner: String, leaseExpiresAt: Date,
        source: String = "portal", summary: Data? = nil, firstClaimedAt: Date? = nil
    ) {
        self.firstClaimedAt = firstClaimedAt ?? acceptedAt
        self.source = source
        self.summary = summary
        self.deliveryID = deliveryID
        self.messageID = messageID
        self.wireMessageID = wireMessageID
        self.destination = destination
        self.conversation = conversation
        self.function = function
        self.payload = payload
        self.contentType = contentType
        self.attempt = attempt
        self.acceptedAt = acceptedAt
        self.budgetStartedAt = budgetStartedAt
        self.owner = owner
        self.leaseExpiresAt = leaseExpiresAt
    }
}

public import Foundation

/// An operator's request to put `failed` or `dead` deliveries back in the queue.
public struct ReplayRequest: Sendable, Hashable {
    /// Either explicit message ids, or a filter over states `failed`/`dead`.
    public enum Selection: Sendable, Hashable {
        case messages([String])
        case filter(DeliveryFilter)
    }

    public var selection: Selection
    /// Restrict explicit ids to one destination.
    public var destination: String?
    public var operatorName: String
    public var dryRun: Bool
    public var now: Date

    public init(selection: Selection, destination: String? = nil, operatorName: String, dryRun: Bool, now: Date = Date()) {
        self.selection = selection
        self.destination = destination
        self.operatorName = operatorName
        self.dryRun = dryRun
        self.now = now
    }
}

/// What a replay did (or, for a dry run, would do) to one delivery.
public struct ReplayChange: Sendable, Codable, Hashable {
    public var messageID: String
    public var deliveryID: Int64
    public var destination: String
    public var from: DeliveryState
    /// Always `pending` when replayed; nil when the delivery was left alone (not failed or dead).
    public var to: DeliveryState?

    package init(messageID: String, deliveryID: Int64, destination: String, from: DeliveryState, to: DeliveryState?) {
        self.messageID = messageID
        self.deliveryID = deliveryID
        self.destination = destination
        self.from = from
        self.to = to
    }
}

/// What a purge removed (or would remove).
public struct PurgeResult: Sendable, Codable, Hashable {
    public var messageIDs: [String]
    public var dryRun: Bool

    package init(messageIDs: [String], dryRun: Bool) {
        self.messageIDs = messageIDs
        self.dryRun = dryRun
    }
}

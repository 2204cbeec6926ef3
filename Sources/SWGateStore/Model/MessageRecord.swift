public import Foundation

/// A stored message with everything known about it: used by `outbox show` and the status API.
public struct MessageRecord: Sendable, Codable, Hashable {
    public var id: String
    public var wireMessageID: String
    public var conversation: String
    public var documentType: String
    public var function: MessageFunction
    public var source: String
    public var idempotencyKey: IdempotencyKey?
    public var acceptedAt: Date
    public var deliveries: [DeliveryRecord]
}

/// One destination of a message: its state, its attempts and its receipts.
public struct DeliveryRecord: Sendable, Codable, Hashable {
    public var id: Int64
    public var destination: String
    public var state: DeliveryState
    public var contentType: String
    public var payloadSize: Int
    public var attemptCount: Int
    public var nextAttemptAt: Date?
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    public var lastError: String?
    public var updatedAt: Date
    public var deliveredAt: Date?
    public var attempts: [AttemptRecord]
    public var receipts: [ReceiptRecord]
}

/// One attempt at delivering: when, how long, how it ended.
public struct AttemptRecord: Sendable, Codable, Hashable {
    public var number: Int
    public var startedAt: Date
    public var durationMilliseconds: Int64
    public var outcome: AttemptOutcome
    public var httpStatus: Int?
    public var error: String?
    public var owner: String
}

/// A receipt kept with its delivery.
public struct ReceiptRecord: Sendable, Codable, Hashable {
    public var receivedAt: Date
    public var contentType: String
    public var body: Data
}

/// One row of `outbox list`: a delivery with its message's headline.
public struct DeliverySummary: Sendable, Codable, Hashable {
    public var messageID: String
    public var deliveryID: Int64
    public var destination: String
    public var state: DeliveryState
    public var conversation: String
    public var function: MessageFunction
    public var attemptCount: Int
    public var acceptedAt: Date
    public var updatedAt: Date
    public var lastError: String?
}

/// Which deliveries a listing, a replay or a purge looks at.
public struct DeliveryFilter: Sendable, Hashable {
    public var states: Set<DeliveryState>?
    public var destination: String?
    /// Only messages accepted at or after this instant.
    public var acceptedSince: Date?
    public var limit: Int?

    public init(states: Set<DeliveryState>? = nil, destination: String? = nil, acceptedSince: Date? = nil, limit: Int? = nil) {
        self.states = states
        self.destination = destination
        self.acceptedSince = acceptedSince
        self.limit = limit
    }
}

/// Counts by state and destination, and the age of the oldest pending delivery.
public struct OutboxStats: Sendable, Codable, Hashable {
    public struct Row: Sendable, Codable, Hashable {
        public var destination: String
        public var state: DeliveryState
        public var count: Int
    }

    public var rows: [Row]
    public var oldestPendingAcceptedAt: Date?
    public var messageCount: Int

    /// Total per state over all destinations.
    public func total(_ state: DeliveryState) -> Int {
        rows.filter { $0.state == state }.reduce(0) { $0 + $1.count }
    }
}

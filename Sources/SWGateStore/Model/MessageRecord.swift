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

    package init(id: String, wireMessageID: String, conversation: String, documentType: String, function: MessageFunction, source: String, idempotencyKey: IdempotencyKey?, acceptedAt: Date, deliveries: [DeliveryRecord]) {
        self.id = id
        self.wireMessageID = wireMessageID
        self.conversation = conversation
        self.documentType = documentType
        self.function = function
        self.source = source
        self.idempotencyKey = idempotencyKey
        self.acceptedAt = acceptedAt
        self.deliveries = deliveries
    }
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

    package init(id: Int64, destination: String, state: DeliveryState, contentType: String, payloadSize: Int, attemptCount: Int, nextAttemptAt: Date?, leaseOwner: String?, leaseExpiresAt: Date?, lastError: String?, updatedAt: Date, deliveredAt: Date?, attempts: [AttemptRecord], receipts: [ReceiptRecord]) {
        self.id = id
        self.destination = destination
        self.state = state
        self.contentType = contentType
        self.payloadSize = payloadSize
        self.attemptCount = attemptCount
        self.nextAttemptAt = nextAttemptAt
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.lastError = lastError
        self.updatedAt = updatedAt
        self.deliveredAt = deliveredAt
        self.attempts = attempts
        self.receipts = receipts
    }
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

    package init(number: Int, startedAt: Date, durationMilliseconds: Int64, outcome: AttemptOutcome, httpStatus: Int?, error: String?, owner: String) {
        self.number = number
        self.startedAt = startedAt
        self.durationMilliseconds = durationMilliseconds
        self.outcome = outcome
        self.httpStatus = httpStatus
        self.error = error
        self.owner = owner
    }
}

/// A receipt kept with its delivery.
public struct ReceiptRecord: Sendable, Codable, Hashable {
    public var receivedAt: Date
    public var contentType: String
    public var body: Data

    package init(receivedAt: Date, contentType: String, body: Data) {
        self.receivedAt = receivedAt
        self.contentType = contentType
        self.body = body
    }
}

/// One row of `outbox list`: a delivery with its message's headline.
public struct DeliverySummary: Sendable, Codable, Hashable {
    public var messageID: String
    /// The message id on the wire (`Envelope/MessageId`, ebMS `MessageId`).
    public var wireMessageID: String
    public var deliveryID: Int64
    public var destination: String
    public var state: DeliveryState
    public var conversation: String
    public var function: MessageFunction
    public var attemptCount: Int
    public var acceptedAt: Date
    public var updatedAt: Date
    public var lastError: String?

    package init(messageID: String, wireMessageID: String, deliveryID: Int64, destination: String, state: DeliveryState, conversation: String, function: MessageFunction, attemptCount: Int, acceptedAt: Date, updatedAt: Date, lastError: String?) {
        self.messageID = messageID
        self.wireMessageID = wireMessageID
        self.deliveryID = deliveryID
        self.destination = destination
        self.state = state
        self.conversation = conversation
        self.function = function
        self.attemptCount = attemptCount
        self.acceptedAt = acceptedAt
        self.updatedAt = updatedAt
        self.lastError = lastError
    }
}

/// Which deliveries a listing, a search, a replay or a purge looks at. Every criterion given must
/// hold; nil criteria do not filter.
public struct DeliveryFilter: Sendable, Hashable {
    public var states: Set<DeliveryState>?
    public var destination: String?
    /// Only messages accepted at or after this instant.
    public var acceptedSince: Date?
    /// Only messages accepted before this instant.
    public var acceptedBefore: Date?
    /// Only the message with this gateway id or wire message id.
    public var messageID: String?
    /// Only messages of this conversation (the reference of the chain's first issue).
    public var conversation: String?
    /// Only messages of the conversation that this business reference (a C/O or licence number,
    /// the first issue's or any amendment's) belongs to.
    public var reference: String?
    /// Only messages with this function.
    public var function: MessageFunction?
    /// Newest delivery first instead of oldest first.
    public var newestFirst: Bool
    /// Deliveries to skip before the first one returned (paging with ``limit``).
    public var offset: Int?
    public var limit: Int?

    public init(
        states: Set<DeliveryState>? = nil, destination: String? = nil, acceptedSince: Date? = nil, acceptedBefore: Date? = nil,
        messageID: String? = nil, conversation: String? = nil, reference: String? = nil, function: MessageFunction? = nil,
        newestFirst: Bool = false, offset: Int? = nil, limit: Int? = nil
    ) {
        self.states = states
        self.destination = destination
        self.acceptedSince = acceptedSince
        self.acceptedBefore = acceptedBefore
        self.messageID = messageID
        self.conversation = conversation
        self.reference = reference
        self.function = function
        self.newestFirst = newestFirst
        self.offset = offset
        self.limit = limit
    }
}

/// The bytes a delivery sends: the signed message once a channel signed it at the first attempt
/// (``OutboxStore/recordSignedPayload(deliveryID:owner:body:contentType:)``), the document as
/// accepted before that.
public struct StoredPayload: Sendable, Hashable {
    public var messageID: String
    public var deliveryID: Int64
    public var destination: String
    public var contentType: String
    public var body: Data

    package init(messageID: String, deliveryID: Int64, destination: String, contentType: String, body: Data) {
        self.messageID = messageID
        self.deliveryID = deliveryID
        self.destination = destination
        self.contentType = contentType
        self.body = body
    }
}

/// Counts by state and destination, and the age of the oldest pending delivery.
public struct OutboxStats: Sendable, Codable, Hashable {
    public struct Row: Sendable, Codable, Hashable {
        public var destination: String
        public var state: DeliveryState
        public var count: Int

        package init(destination: String, state: DeliveryState, count: Int) {
            self.destination = destination
            self.state = state
            self.count = count
        }
    }

    public var rows: [Row]
    public var oldestPendingAcceptedAt: Date?
    public var messageCount: Int

    package init(rows: [Row], oldestPendingAcceptedAt: Date?, messageCount: Int) {
        self.rows = rows
        self.oldestPendingAcceptedAt = oldestPendingAcceptedAt
        self.messageCount = messageCount
    }

    /// Total per state over all destinations.
    public func total(_ state: DeliveryState) -> Int {
        rows.filter { $0.state == state }.reduce(0) { $0 + $1.count }
    }
}

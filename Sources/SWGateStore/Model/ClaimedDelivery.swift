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

    public init(
        deliveryID: Int64, messageID: String, wireMessageID: String, destination: String, conversation: String, function: MessageFunction,
        payload: Data, contentType: String, attempt: Int, acceptedAt: Date, budgetStartedAt: Date, owner: String, leaseExpiresAt: Date
    ) {
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

/// How an attempt ended, as recorded in the attempt history.
public struct AttemptOutcome: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static let delivered = AttemptOutcome("delivered")
    public static let transientFailure = AttemptOutcome("transient-failure")
    public static let permanentFailure = AttemptOutcome("permanent-failure")
}

/// A receipt returned by the destination (an ACK envelope, an ebMS signed receipt, …).
public struct Receipt: Sendable, Hashable {
    public var contentType: String
    public var body: Data

    public init(contentType: String, body: Data) {
        self.contentType = contentType
        self.body = body
    }
}

/// The end of one attempt, reported by the worker that holds the lease.
public struct DeliveryCompletion: Sendable {
    /// The state the delivery moves to.
    public enum Transition: Sendable, Hashable {
        case delivered(receipt: Receipt?)
        /// Transient failure within budget: back to `pending` until `at`.
        case retry(at: Date)
        /// Permanent failure: `failed` at once.
        case failed
        /// Retry budget spent: `dead`.
        case dead
    }

    public var deliveryID: Int64
    public var owner: String
    public var startedAt: Date
    public var duration: Duration
    public var outcome: AttemptOutcome
    public var httpStatus: Int?
    public var error: String?
    public var transition: Transition

    public init(
        deliveryID: Int64, owner: String, startedAt: Date, duration: Duration, outcome: AttemptOutcome,
        httpStatus: Int? = nil, error: String? = nil, transition: Transition
    ) {
        self.deliveryID = deliveryID
        self.owner = owner
        self.startedAt = startedAt
        self.duration = duration
        self.outcome = outcome
        self.httpStatus = httpStatus
        self.error = error
        self.transition = transition
    }
}

/// Whether a completion changed the delivery's state.
public enum CompletionResult: Sendable, Hashable {
    /// The worker still held the lease; the transition was applied.
    case applied
    /// The lease had expired and was taken back: only the attempt was recorded.
    case leaseLost
}

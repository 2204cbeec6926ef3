public import Foundation

/// Portal-facing queries over the outbox: the `Idempotency-Key` header's memory, and paged
/// listings of messages for `GET /v1/messages`.
public protocol SubmissionStore: OutboxStore {
    /// The message remembered under a client's `Idempotency-Key`, with the digest of its content.
    func submission(_ key: IdempotencyKey) async throws -> SubmissionRecord?

    /// ``OutboxStore/enqueue(_:)`` that also remembers `key` for the resulting message, with the
    /// message's content digest, committed together: a submission with an `Idempotency-Key` costs
    /// one commit, the key is never remembered for a message that was not stored (nor the message
    /// stored without its key), and of concurrent submissions with one key exactly one is stored.
    func enqueue(_ message: NewMessage, rememberingSubmission key: IdempotencyKey) async throws -> EnqueueResult

    /// One page of messages, newest last, after `query.cursor`.
    func messagePage(_ query: MessagePageQuery) async throws -> MessagePage
}

/// A message remembered under an idempotency key.
public struct SubmissionRecord: Sendable, Hashable {
    public var messageID: String
    public var contentDigest: String

    public init(messageID: String, contentDigest: String) {
        self.messageID = messageID
        self.contentDigest = contentDigest
    }
}

/// Filters and position of a listing page.
public struct MessagePageQuery: Sendable, Hashable {
    /// Only messages with at least one delivery in this state.
    public var state: DeliveryState?
    /// Only messages with a delivery to this destination (combined with `state`: that delivery).
    public var destination: String?
    public var acceptedSince: Date?
    public var limit: Int
    /// The acceptance sequence number after which the page starts (from the previous page).
    public var afterSequence: Int64?

    public init(state: DeliveryState? = nil, destination: String? = nil, acceptedSince: Date? = nil, limit: Int = 50, afterSequence: Int64? = nil) {
        self.state = state
        self.destination = destination
        self.acceptedSince = acceptedSince
        self.limit = limit
        self.afterSequence = afterSequence
    }
}

/// One page of a listing.
public struct MessagePage: Sendable, Hashable {
    public struct Item: Sendable, Hashable {
        public var sequence: Int64
        public var id: String
        public var wireMessageID: String
        public var conversation: String
        public var function: MessageFunction
        public var source: String
        public var acceptedAt: Date
        /// Destination → state.
        public var deliveries: [String: DeliveryState]

        package init(sequence: Int64, id: String, wireMessageID: String, conversation: String, function: MessageFunction, source: String, acceptedAt: Date, deliveries: [String: DeliveryState]) {
            self.sequence = sequence
            self.id = id
            self.wireMessageID = wireMessageID
            self.conversation = conversation
            self.function = function
            self.source = source
            self.acceptedAt = acceptedAt
            self.deliveries = deliveries
        }
    }

    public var items: [Item]
    /// The sequence to continue after, when more messages match.
    public var nextSequence: Int64?

    package init(items: [Item], nextSequence: Int64?) {
        self.items = items
        self.nextSequence = nextSequence
    }
}

extension NewMessage {
    /// The SHA-256 the store compares to tell "the same content" from "different content".
    public var contentDigest: String { SQLiteOutboxStore.contentDigest(self) }
}

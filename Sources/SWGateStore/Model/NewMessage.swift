public import Foundation

/// A message handed to the outbox: its identity, its conversation, and the exact bytes to send
/// to each destination.
public struct NewMessage: Sendable {
    /// The message id on the wire (NSW `Reference/messageId`, ebMS `MessageId`, …).
    public var wireMessageID: String
    /// The conversation key: the reference of the first issue of a chain of replacements.
    /// Deliveries of one conversation to one destination happen in acceptance order. With a
    /// ``link`` the store resolves it from the chain; this value is then only the fallback.
    public var conversation: String
    /// How the store finds the conversation through the chain of replacements.
    public var link: ConversationLink?
    /// The business document's summary (opaque JSON for the store), computed once at intake and
    /// handed to the channels with every claim.
    public var summary: Data?
    /// The business document type, e.g. `ATIGA-FORM-D`.
    public var documentType: String
    public var function: MessageFunction
    /// The party the message came from (`portal`, `nsw`, `asw`).
    public var source: String
    /// Makes a repeated submission return the original instead of a second message.
    public var idempotencyKey: IdempotencyKey?
    /// What the gateway answered the sender, returned again for a duplicate.
    public var acknowledgement: Data?
    /// One entry per destination, each with its own signed bytes.
    public var payloads: [OutboundPayload]

    public init(
        wireMessageID: String, conversation: String, documentType: String, function: MessageFunction,
        source: String, idempotencyKey: IdempotencyKey? = nil, acknowledgement: Data? = nil,
        payloads: [OutboundPayload], link: ConversationLink? = nil, summary: Data? = nil
    ) {
        self.link = link
        self.summary = summary
        self.wireMessageID = wireMessageID
        self.conversation = conversation
        self.documentType = documentType
        self.function = function
        self.source = source
        self.idempotencyKey = idempotencyKey
        self.acknowledgement = acknowledgement
        self.payloads = payloads
    }
}

/// The exact bytes sent to one destination (an NSW envelope, an AS4 message, a portal callback).
public struct OutboundPayload: Sendable, Hashable {
    public var destination: String
    public var body: Data
    public var contentType: String

    public init(destination: String, body: Data, contentType: String) {
        self.destination = destination
        self.body = body
        self.contentType = contentType
    }
}

/// A key under which a message is processed once.
public struct IdempotencyKey: Sendable, Hashable, Codable {
    /// The namespace: `inbound:<sender>` or `submission:<client>`.
    public var scope: String
    public var key: String

    public init(scope: String, key: String) {
        self.scope = scope
        self.key = key
    }

    /// An inbound message: the sender's party id plus its message id.
    public static func inbound(sender: String, messageID: String) -> IdempotencyKey {
        IdempotencyKey(scope: "inbound:\(sender)", key: messageID)
    }

    /// A portal submission's `Idempotency-Key` header, per client.
    public static func submission(client: String, key: String) -> IdempotencyKey {
        IdempotencyKey(scope: "submission:\(client)", key: key)
    }
}

/// The answer to an enqueue: the message as stored, and whether it was already there.
public struct EnqueueResult: Sendable, Hashable {
    /// The gateway's id of the message (the original one for a duplicate).
    public var id: String
    public var wireMessageID: String
    /// True when the idempotency key matched an earlier message: nothing new was stored.
    public var isDuplicate: Bool
    /// The acknowledgement stored with the original message.
    public var acknowledgement: Data?
    public var acceptedAt: Date
    public var destinations: [String]

    package init(id: String, wireMessageID: String, isDuplicate: Bool, acknowledgement: Data?, acceptedAt: Date, destinations: [String]) {
        self.id = id
        self.wireMessageID = wireMessageID
        self.isDuplicate = isDuplicate
        self.acknowledgement = acknowledgement
        self.acceptedAt = acceptedAt
        self.destinations = destinations
    }
}

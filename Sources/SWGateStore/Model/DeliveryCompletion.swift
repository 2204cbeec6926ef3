public import Foundation

/// How an attempt ended, as recorded in the attempt history.
public struct AttemptOutcome: StringCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }

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

/// The message a channel signed at an attempt, in place of the document stored unsigned at intake.
public struct SignedPayload: Sendable, Hashable {
    public var contentType: String
    public var body: Data

    public init(contentType: String, body: Data) {
        self.contentType = contentType
        self.body = body
    }
}

extension SignedPayload {
    /// The `signed` audit entry's detail, computed on the caller's task (it hashes the whole
    /// message), not on the store's writer.
    package var auditDetail: String { "\(contentType), \(body.count) bytes, sha256 \(AuditEntry.sha256Hex(body))" }
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
    /// A message to accept in the same transaction as the transition, e.g. the callback that
    /// carries a partner's answer back to the portal: it is stored if and only if the transition
    /// is applied, so an answer is neither lost nor forwarded twice.
    public var followUp: NewMessage?
    /// The signed message this attempt sent, when it signed the delivery's unsigned document: it
    /// replaces the stored payload (with a `signed` audit entry) in the same transaction as the
    /// transition, so every later attempt and replay sends exactly these bytes. Recorded only
    /// while the lease is held; an attempt whose completion is lost is signed again from the
    /// same inputs (``ClaimedDelivery/firstClaimedAt``), to the same bytes.
    public var signed: SignedPayload?

    public init(
        deliveryID: Int64, owner: String, startedAt: Date, duration: Duration, outcome: AttemptOutcome,
        httpStatus: Int? = nil, error: String? = nil, transition: Transition, followUp: NewMessage? = nil, signed: SignedPayload? = nil
    ) {
        self.followUp = followUp
        self.signed = signed
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

public import SWGateStore

/// Sends one message to one destination and says how it went. One implementation per protocol:
/// ``HTTPPostChannel`` here; the NSW (SOAP) and ASW (AS4) channels build on the same contract.
///
/// A channel never throws: every failure is classified into a ``DeliveryResult`` so that the engine
/// knows whether to retry (transient) or to stop (permanent).
public protocol DeliveryChannel: Sendable {
    /// Sends `delivery.payload` (the exact stored bytes) and classifies the answer.
    func deliver(_ delivery: ClaimedDelivery) async -> DeliveryResult

    /// What the engine calls: ``deliver(_:)``, and the message the channel signed for this
    /// attempt when the delivery's payload was a document stored unsigned. The engine stores that
    /// message with the attempt's completion (``DeliveryCompletion/signed``), in the same
    /// transaction. A channel that signs must sign from the delivery's stored inputs only (its
    /// document, summary, wire message id, ``ClaimedDelivery/firstClaimedAt``), so that an
    /// attempt whose completion was lost is signed again to the same bytes. The default signs nothing.
    func attempt(_ delivery: ClaimedDelivery) async -> DeliveryAttempt
}

extension DeliveryChannel {
    public func attempt(_ delivery: ClaimedDelivery) async -> DeliveryAttempt {
        DeliveryAttempt(result: await deliver(delivery))
    }
}

/// One attempt's classified outcome and the message signed for it, if any.
public struct DeliveryAttempt: Sendable {
    public var result: DeliveryResult
    /// The message the channel signed and sent at this attempt in place of the stored unsigned document.
    public var signed: SignedPayload?

    public init(result: DeliveryResult, signed: SignedPayload? = nil) {
        self.result = result
        self.signed = signed
    }
}

/// The classified outcome of one attempt.
public enum DeliveryResult: Sendable, Hashable {
    /// The destination took the message; `receipt` is kept when it sent one, and `answer` is
    /// forwarded to the submitter when the engine routes answers (``AnswerRouting``).
    case delivered(receipt: Receipt?, httpStatus: Int?, answer: PartnerAnswer? = nil)
    case failed(DeliveryFailure)
}

/// Why an attempt failed, and whether trying again can help.
public struct DeliveryFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: FailureReason
    public var message: String
    public var httpStatus: Int?
    /// The partner's refusal, for the submitter, when the failure is the partner's answer (a
    /// signed REJECT, a SOAP Client fault, an ebMS failure) rather than trouble on the way.
    public var answer: PartnerAnswer?

    public init(_ reason: FailureReason, _ message: String, httpStatus: Int? = nil, answer: PartnerAnswer? = nil) {
        self.reason = reason
        self.message = message
        self.httpStatus = httpStatus
        self.answer = answer
    }

    public var description: String { "\(reason.code): \(message)" }
}

/// A failure class with its disposition (docs/delivery.md). A struct with static members, so protocol
/// channels add their own classes (``soapServerFault``, ``ebmsWarning``, …) without touching the engine.
public struct FailureReason: Sendable, Hashable, CustomStringConvertible {
    /// Transient failures are retried with backoff; permanent ones go to `failed` at once.
    public enum Disposition: String, Sendable, Hashable {
        case transient
        case permanent
    }

    public var code: String
    public var disposition: Disposition

    public init(_ code: String, _ disposition: Disposition) {
        self.code = code
        self.disposition = disposition
    }

    public var description: String { "\(code) (\(disposition.rawValue))" }

    /// Could not connect, connection reset, TLS handshake failed.
    public static let connection = FailureReason("connection", .transient)
    /// No answer within the channel's timeout.
    public static let timeout = FailureReason("timeout", .transient)
    /// HTTP 5xx.
    public static let httpServerError = FailureReason("http-5xx", .transient)
    /// HTTP 4xx: the destination refuses this message; sending it again will not help.
    public static let httpClientError = FailureReason("http-4xx", .permanent)
    /// An answer the channel cannot interpret (1xx status, garbage).
    public static let unexpectedAnswer = FailureReason("unexpected-answer", .permanent)
    /// HTTP 3xx: the destination moved or points elsewhere. Not followed: a redirected POST
    /// becomes a GET without the document, and the signed bytes go only where they are configured to.
    public static let httpRedirect = FailureReason("http-redirect", .permanent)
    /// SOAP fault with a Server (1.1) / Receiver (1.2) code.
    public static let soapServerFault = FailureReason("soap-server-fault", .transient)
    /// SOAP fault with a Client (1.1) / Sender (1.2) code.
    public static let soapClientFault = FailureReason("soap-client-fault", .permanent)
    /// ebMS error of severity `warning`.
    public static let ebmsWarning = FailureReason("ebms-warning", .transient)
    /// ebMS error of severity `failure`.
    public static let ebmsFailure = FailureReason("ebms-failure", .permanent)
    /// The answer's signature (receipt, ACK) did not verify.
    public static let badAnswerSignature = FailureReason("bad-answer-signature", .permanent)
}

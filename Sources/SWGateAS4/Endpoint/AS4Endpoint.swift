import Foundation
public import Logging
public import SWGateChannels
import SWGateDelivery
public import SWGateDomain
public import SWGateHTTP
public import SWGateSecurity
public import SWGateStore
import SWGateXML

/// `POST /as4`: AS4 user messages from the ASEAN Single Window access point (see `docs/channels.md`).
///
/// Checks media type `application/soap+xml` (else 415), hardened parse, the AS4 schema, the
/// WS-Security signature with the signer bound to `PartyInfo/From/PartyId`, and the business
/// document in the Body. Then stores the exact received message for the destinations the routing
/// table gives source `asw` (`route`), once per (sender, MessageId), and — only after the store
/// committed — answers 200 with a signed `eb:Receipt`. A duplicate gets the original receipt. Errors are `eb:Error` signals: EBMS:0009 (invalid header or
/// structure), EBMS:0101 (signature, unknown sender), EBMS:0004 (anything else; severity `warning`
/// with HTTP 503 when the store cannot take the message now, `failure` with HTTP 500 otherwise).
public struct AS4Endpoint: Endpoint {
    private let security: SecurityServices
    private let validator: DocumentValidator
    private let intake: InboundIntake
    private let onAccepted: @Sendable () -> Void
    private let logger: Logger

    /// - Parameters:
    ///   - route: the destinations of a verified message (the routing table's rules for source `asw`).
    ///   - onAccepted: called after a new (not duplicate) message was stored.
    ///   - logger: where refused signatures and timestamps are reported to the operator.
    public init(
        security: SecurityServices, store: any OutboxStore, validator: DocumentValidator,
        route: @escaping InboundRoute = { _, _, _ in ["portal"] }, onAccepted: @escaping @Sendable () -> Void = {},
        logger: Logger = Logger(label: "swgate.as4")
    ) {
        self.security = security
        self.validator = validator
        self.intake = InboundIntake(store: store, route: route)
        self.onAccepted = onAccepted
        self.logger = logger
    }

    public func handle(_ request: EndpointRequest) async -> EndpointResponse {
        guard request.method == "POST" else {
            var refused = refuse(Refusal(.methodNotAllowed, "\(request.method) is not a method of this endpoint: POST an AS4 user message"))
            refused.headers["allow"] = "POST"
            return refused
        }
        guard request.mediaType == "application/soap+xml" else {
            return refuse(Refusal(.unsupportedMediaType, "AS4 requests must be application/soap+xml, not \(request.mediaTypeDescription)"))
        }
        switch check(request.body) {
        case .failure(let refusal):
            if let cause = refusal.cause {
                // The operator sees why a partner was refused (a clock skew names its seconds and the tolerance).
                logger.warning(
                    "AS4 message refused: \(refusal.description)",
                    metadata: ["wire_message_id": "\(refusal.refToMessageId ?? "-")", "reason": "\(cause)", "source": "asw"])
            }
            return errorSignal(
                code: refusal.code, short: refusal.shortDescription, description: refusal.description, ref: refusal.refToMessageId)
        case .success(let inbound):
            return await store(request.body, inbound)
        }
    }

    /// Why a request was refused before anything was stored: the ebMS error it is answered with.
    public struct CheckFailure: Error, Sendable, Hashable {
        /// `EBMS:0004`, `EBMS:0009` or `EBMS:0101`.
        public var code: String
        public var shortDescription: String
        public var description: String
        public var refToMessageId: String?
        /// The verification's own error code (`timestampStale`, `unknownPartner`, …) when the
        /// signature check refused the message, for the operator's log.
        public var cause: String? = nil
    }

    /// A user message that passed every check: what ``handle(_:)`` stores and receipts.
    public struct Inbound: Sendable {
        public var verification: AS4Verification
        public var documentType: String
        public var function: String
        /// The conversation before its link is resolved (`CollaborationInfo/ConversationId`, the
        /// C/O reference), and the link: a replacing document joins the chain of the document it
        /// replaces when the gateway knows it.
        public var conversation: String
        public var link: ConversationLink
    }

    /// Every check of a `POST /as4` body, in order, before anything is stored: hardened parse, the
    /// AS4 schema, a `UserMessage`, the WS-Security signature bound to the sender, one business
    /// document carried over AS4 and its rules. ``handle(_:)`` answers a failure with a signed `eb:Error`.
    public func check(_ body: [UInt8]) -> Result<Inbound, CheckFailure> {
        let document: XMLDocument
        do {
            document = try XMLDocument(bytes: body, limits: validator.limits)
        } catch {
            return .failure(
                CheckFailure(
                    code: "EBMS:0004", shortDescription: "Other", description: "the request is not acceptable XML: \(error)", refToMessageId: nil))
        }
        let messageId = AS4Signals.messageId(document.root)
        if let violation = validator.schemas.as4Message.validate(document).first {
            return .failure(
                CheckFailure(
                    code: "EBMS:0009", shortDescription: "InvalidHeader",
                    description: "not a valid AS4 message: \(violation.message) (line \(violation.line))", refToMessageId: messageId))
        }
        guard AS4Signals.messaging(document.root)?.child("UserMessage") != nil else {
            return .failure(
                CheckFailure(
                    code: "EBMS:0009", shortDescription: "InvalidHeader", description: "the message carries no eb:UserMessage",
                    refToMessageId: messageId))
        }
        let verification: AS4Verification
        do {
            // The tree parsed for the schema check is verified in place: one parse per message.
            verification = try security.verifyAS4Message(document)
        } catch {
            if error.code == .malformedMessage {
                return .failure(
                    CheckFailure(code: "EBMS:0009", shortDescription: "InvalidHeader", description: "\(error)", refToMessageId: messageId))
            }
            return .failure(
                CheckFailure(
                    code: "EBMS:0101", shortDescription: "FailedAuthentication", description: "signature check failed: \(error)",
                    refToMessageId: messageId, cause: "\(error.code)"))
        }
        let bodyChildren = document.root.child("Body", namespace: .some(Namespace.soap12))?.children ?? []
        guard bodyChildren.count == 1, let payload = bodyChildren.first, let profile = validator.profiles.profile(for: payload), profile.as4 != nil
        else {
            return .failure(
                CheckFailure(
                    code: "EBMS:0004", shortDescription: "Other",
                    description: "the SOAP Body must hold exactly one business document carried over AS4", refToMessageId: messageId))
        }
        // The payload is checked in place, in the tree already parsed for the schema and the signature.
        let issues = profile.issues(payload, in: document, today: .today())
        if !issues.isEmpty {
            let text = issues.prefix(20).map { "\($0.rule): \($0.message) at \($0.path) line \($0.line)" }
            return .failure(
                CheckFailure(
                    code: "EBMS:0004", shortDescription: "Other",
                    description: "the \(profile.documentType) is not valid: " + text.joined(separator: "; "), refToMessageId: verification.messageId))
        }
        let summary = profile.summarize(payload)
        let conversation = verification.conversationId ?? verification.messageId
        return .success(
            Inbound(
                verification: verification, documentType: profile.documentType, function: summary?.function ?? "ISSUE",
                conversation: conversation,
                link: summary.map { .partnerDocument(reference: $0.reference, replaces: $0.replaces) } ?? .answer(about: conversation)))
    }

    private func store(_ message: [UInt8], _ inbound: Inbound) async -> EndpointResponse {
        let (verification, documentType, function) = (inbound.verification, inbound.documentType, inbound.function)
        let receipt: [UInt8]
        do {
            receipt = try security.signedReceipt(for: verification)
        } catch {
            return errorSignal(
                code: "EBMS:0004", short: "Other", description: "the receipt cannot be signed: \(error)",
                ref: verification.messageId)
        }
        let outcome = await intake.enqueue(
            sender: verification.fromParty ?? "", source: "asw", messageId: verification.messageId,
            conversation: inbound.conversation, link: inbound.link, documentType: documentType, function: function, payload: message,
            contentType: ChannelContentType.as4Message, acknowledgement: receipt)
        switch outcome {
        case .accepted(let id):
            onAccepted()
            if logger.logLevel <= .info {
                logger.info(
                    "AS4 message accepted",
                    metadata: [
                        "message_id": "\(id)", "wire_message_id": "\(verification.messageId)",
                        "conversation": "\(inbound.conversation)", "sender": "\(verification.fromParty ?? "-")",
                        "document_type": "\(documentType)", "function": "\(function)",
                    ])
            }
            return EndpointResponse(status: 200, contentType: ChannelContentType.soap12, body: receipt)
        case .duplicate(let original):
            return EndpointResponse(status: 200, contentType: ChannelContentType.soap12, body: original ?? receipt)
        case .conflict(let reason):
            return errorSignal(code: "EBMS:0004", short: "Other", description: reason, ref: verification.messageId)
        case .unavailable(let reason):
            return errorSignal(
                status: 503, code: "EBMS:0004", short: "Other", severity: "warning", description: reason,
                ref: verification.messageId)
        case .unroutable(let reason):
            return errorSignal(code: "EBMS:0004", short: "Other", description: reason, ref: verification.messageId)
        }
    }

    /// A refusal made before the message is read (shutting down, overloaded, too large, wrong
    /// media type) as a signed `EBMS:0004` error: severity `warning` with HTTP 503 and
    /// `Retry-After` when the sender should try again, `failure` otherwise.
    public func refuse(_ refusal: Refusal) -> EndpointResponse {
        errorSignal(
            status: refusal.reason.status, code: "EBMS:0004", short: "Other", severity: refusal.reason.isTransient ? "warning" : "failure",
            description: refusal.detail, ref: nil
        ).retrying(after: refusal.retryAfterSeconds)
    }

    /// An ebMS error signal, signed with the gateway's key like every signal it sends. If the
    /// signature cannot be made (keys unusable), the error goes out unsigned rather than not at all.
    func errorSignal(
        status: Int = 500, code: String, short: String, severity: String = "failure", description: String,
        ref: String?
    ) -> EndpointResponse {
        Self.error(security: security, status: status, code: code, short: short, severity: severity, description: description, ref: ref)
    }

    /// ``errorSignal(status:code:short:severity:description:ref:)`` signed with `security`'s key.
    static func error(
        security: SecurityServices, status: Int = 500, code: String, short: String, severity: String = "failure", description: String,
        ref: String?
    ) -> EndpointResponse {
        let body: [UInt8]
        do {
            body = try security.signedError(
                code: code, severity: severity, shortDescription: short, description: description, refToMessageId: ref)
        } catch {
            body = AS4Signals.errorEnvelope(
                code: code, severity: severity, shortDescription: short, description: description, refToMessageId: ref)
        }
        return EndpointResponse(status: status, contentType: ChannelContentType.soap12, body: body)
    }
}

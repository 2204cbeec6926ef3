import Foundation
public import Logging
public import SWGateChannels
import SWGateDelivery
public import SWGateDomain
public import SWGateHTTP
public import SWGateSecurity
public import SWGateStore
import SWGateXML

/// `POST /nsw`: messages from the National Single Window (SOAP 1.1; see `docs/channels.md`).
///
/// Checks, in order: media type `text/xml` (else 415), hardened parse, the SOAP 1.1 schema and
/// structure, an NSW `Envelope` as the Body's one element, both signatures against the partner
/// named in `Header/From/identity`, and the business content. Then stores the verified envelope for
/// the destinations the routing table gives source `nsw` (`route`), once per (sender, messageId),
/// and — only after the store committed — answers 200 with a signed ACK envelope. A duplicate gets
/// the original ACK again.
///
/// Faults: `soap:Client` (HTTP 500, as SOAP 1.1 and WS-I BP require) naming the failed check;
/// `soap:Server` with HTTP 503 when the store cannot take the message now.
/// `GET /nsw?wsdl` serves the WSDL, `GET /nsw/schemas/…` the schemas it imports.
public struct NSWEndpoint: Endpoint {
    private let security: SecurityServices
    private let validator: DocumentValidator
    private let intake: InboundIntake
    private let onAccepted: @Sendable () -> Void
    private let logger: Logger

    /// - Parameters:
    ///   - route: the destinations of a verified message (the routing table's rules for source `nsw`).
    ///   - onAccepted: called after a new (not duplicate) message was stored, e.g. to wake the engine.
    ///   - logger: where accepted and refused messages are reported to the operator.
    public init(
        security: SecurityServices, store: any OutboxStore, validator: DocumentValidator,
        route: @escaping InboundRoute = { _, _, _ in ["portal"] }, onAccepted: @escaping @Sendable () -> Void = {},
        logger: Logger = Logger(label: "swgate.nsw")
    ) {
        self.security = security
        self.validator = validator
        self.intake = InboundIntake(store: store, route: route)
        self.onAccepted = onAccepted
        self.logger = logger
    }

    public func handle(_ request: EndpointRequest) async -> EndpointResponse {
        if request.method == "GET" || request.method == "HEAD" {
            return NSWServiceDescription.answer(request)
        }
        guard request.method == "POST" else {
            var refused = refuse(Refusal(.methodNotAllowed, "\(request.method) is not a method of this endpoint: POST a SOAP request, GET ?wsdl"))
            refused.headers["allow"] = "GET, HEAD, POST"
            return refused
        }
        guard request.mediaType == "text/xml" else {
            return refuse(Refusal(.unsupportedMediaType, "SOAP 1.1 requests must be text/xml, not \(request.mediaTypeDescription)"))
        }
        switch check(request.body) {
        case .failure(let refusal):
            if refusal.check == "signature" || refusal.check == "unknown-sender" {
                logger.warning("NSW message refused: \(refusal.reason)", metadata: ["reason": "\(refusal.check)", "source": "nsw"])
            }
            return Self.clientFault(refusal.reason, check: refusal.check)
        case .success(let inbound):
            return await store(inbound)
        }
    }

    /// Why a request was refused before anything was stored: the check that failed (the fault's
    /// detail: `xml`, `soap-schema`, `soap-structure`, `signature`, `unknown-sender`, `validation`)
    /// and the reason.
    public struct CheckFailure: Error, Sendable, Hashable {
        public var check: String
        public var reason: String
    }

    /// A request that passed every check: what ``handle(_:)`` stores and acknowledges.
    public struct Inbound: Sendable {
        var envelope: [UInt8]
        var verification: NSWVerification
        var sender: NSWParty
        var reference: String
        /// The conversation the message is stored under before its link is resolved, and the link:
        /// an answer joins the conversation of the reference it answers, a business document that
        /// of the document it replaces (`Subject/preReference`).
        var conversation: String
        var link: ConversationLink
        var function: String
        var documentType: String
        /// `Subject/type`, echoed in the acknowledgement.
        var subjectType: String
        /// `Header/Reference/messageId` of the verified envelope.
        public var messageId: String { verification.messageId }
    }

    /// Every check of a `POST /nsw` body, in order, before anything is stored: hardened parse, SOAP
    /// 1.1 schema and structure, the NSW envelope's two signatures bound to the sender, the business
    /// content. ``handle(_:)`` answers a failure with a `soap:Client` fault naming the check.
    public func check(_ body: [UInt8]) -> Result<Inbound, CheckFailure> {
        let document: XMLDocument
        do {
            document = try XMLDocument(bytes: body, limits: validator.limits)
        } catch {
            return .failure(CheckFailure(check: "xml", reason: "the request is not acceptable XML: \(error)"))
        }
        if let violation = validator.schemas.soap11Message.validate(document).first {
            return .failure(
                CheckFailure(check: "soap-schema", reason: "not a valid SOAP 1.1 envelope: \(violation.message) (line \(violation.line))"))
        }
        let element: XMLElement
        do {
            switch try SOAP11.content(of: document) {
            case .element(let child): element = child
            case .fault: return .failure(CheckFailure(check: "soap-structure", reason: "a Fault is not a request"))
            }
        } catch {
            return .failure(CheckFailure(check: "soap-structure", reason: error.description))
        }
        guard element.isNamed("Envelope", namespace: Namespace.nswEnvelope) else {
            return .failure(CheckFailure(check: "soap-structure", reason: "the SOAP Body must hold an NSW Envelope, not \(element.qualifiedName)"))
        }
        // The envelope is copied out of the SOAP tree, not serialised and parsed again: one parse
        // for the signature check, the validation and the header.
        guard let parsed = element.copiedAsDocument() else {
            return .failure(CheckFailure(check: "xml", reason: "the envelope cannot be copied out of the SOAP Body"))
        }
        let envelope = parsed.serialized()
        let verification: NSWVerification
        do {
            verification = try security.verifyNSWEnvelope(parsed)
        } catch {
            let check = error.code == .unknownPartner ? "unknown-sender" : "signature"
            return .failure(CheckFailure(check: check, reason: "signature check failed: \(error)"))
        }
        let report = validator.validate(parsed)
        if !report.isValid {
            let issues = report.issues.prefix(20).map { "\($0.rule): \($0.message) at \($0.path) line \($0.line)" }
            return .failure(CheckFailure(check: "validation", reason: "the envelope is not valid: " + issues.joined(separator: "; ")))
        }
        let ns: String?? = .some(Namespace.nswEnvelope)
        let header = parsed.root.child("Header", namespace: ns)
        let subject = header?.child("Subject", namespace: ns)
        guard let sender = NSWParty(header: header?.child("From", namespace: ns)),
            let reference = subject?.child("reference", namespace: ns)?.text.trimmed,
            let function = subject?.child("function", namespace: ns)?.text.trimmed,
            let nswDocumentType = subject?.child("documentType", namespace: ns)?.text.trimmed
        else {
            return .failure(CheckFailure(check: "validation", reason: "the envelope header is incomplete"))
        }
        // A business document is routed by its profile's document type, an acknowledgement by the NSW's code.
        let documentType = report.summary?.documentType ?? nswDocumentType
        // The validator checked that Subject/preReference names the document the content replaces.
        let replaces = report.summary?.replaces
        return .success(
            Inbound(
                envelope: envelope, verification: verification, sender: sender, reference: reference, conversation: replaces ?? reference,
                link: report.summary == nil ? .answer(about: reference) : .partnerDocument(reference: reference, replaces: replaces),
                function: function, documentType: documentType,
                subjectType: subject?.child("type", namespace: ns)?.text.trimmed ?? "CO"))
    }

    private func store(_ inbound: Inbound) async -> EndpointResponse {
        var ack = NSWAcknowledgement(refMessageId: inbound.verification.messageId, reference: inbound.reference)
        ack.subjectType = inbound.subjectType
        let answer: [UInt8]
        do {
            let signed = try security.signAcknowledgement(ack, from: security.configuration.localParty, to: inbound.sender)
            answer = SOAP11.envelope(containing: signed)
        } catch {
            return Self.serverFault("the acknowledgement cannot be signed: \(error)", status: 500)
        }
        let outcome = await intake.enqueue(
            sender: inbound.verification.sender, source: "nsw", messageId: inbound.verification.messageId, conversation: inbound.conversation,
            link: inbound.link, documentType: inbound.documentType, function: inbound.function, payload: inbound.envelope,
            contentType: ChannelContentType.nswEnvelope, acknowledgement: answer)
        switch outcome {
        case .accepted(let id):
            onAccepted()
            if logger.logLevel <= .info {
                logger.info(
                    "NSW message accepted",
                    metadata: [
                        "message_id": "\(id)", "wire_message_id": "\(inbound.verification.messageId)", "conversation": "\(inbound.reference)",
                        "sender": "\(inbound.verification.sender)", "document_type": "\(inbound.documentType)", "function": "\(inbound.function)",
                    ])
            }
            return EndpointResponse(status: 200, contentType: ChannelContentType.soap11, body: answer)
        case .duplicate(let original):
            return EndpointResponse(status: 200, contentType: ChannelContentType.soap11, body: original ?? answer)
        case .conflict(let reason):
            return Self.clientFault(reason, check: "duplicate-message-id")
        case .unavailable(let reason):
            return Self.serverFault(reason, status: 503)
        case .unroutable(let reason):
            return Self.clientFault(reason, check: "unroutable")
        }
    }

    /// A refusal made before the message is read, as a SOAP 1.1 fault: `Server` with HTTP 503 and
    /// `Retry-After` when the NSW should try again (shutting down, overloaded), `Client` with the
    /// refusal's status otherwise (413 too large, 415 wrong media type). The fault's detail names
    /// the refusal's code.
    public func refuse(_ refusal: Refusal) -> EndpointResponse {
        EndpointResponse(
            status: refusal.reason.status, contentType: ChannelContentType.soap11,
            body: SOAP11.fault(code: refusal.reason.isTransient ? "Server" : "Client", reason: refusal.detail, detail: refusal.reason.code)
        ).retrying(after: refusal.retryAfterSeconds)
    }

    static func clientFault(_ reason: String, check: String) -> EndpointResponse {
        EndpointResponse(status: 500, contentType: ChannelContentType.soap11, body: SOAP11.fault(code: "Client", reason: reason, detail: check))
    }

    static func serverFault(_ reason: String, status: Int) -> EndpointResponse {
        EndpointResponse(status: status, contentType: ChannelContentType.soap11, body: SOAP11.fault(code: "Server", reason: reason, detail: "store"))
    }
}

import Foundation
import SWGateChannels
public import SWGateDelivery
public import SWGateDomain
public import SWGateSecurity
public import SWGateStore
import SWGateXML

/// Delivers to the National Single Window over SOAP 1.1 (see `docs/channels.md`).
///
/// A business document stored unsigned (its profile's media type) is wrapped in an NSW envelope whose
/// `messageId` is the delivery's wire message id, signed (Content signature + SystemSignature) and
/// sent, and stored with the attempt's completion (``attempt(_:)``); any other payload is taken as an already signed NSW envelope. The
/// envelope travels in a SOAP 1.1 Body with `SOAPAction: "urn:swgate:nsw:Submit"`. The answer must
/// be a signed `ACK` envelope from ``partner`` acknowledging the message id; a SOAP Fault `Server`
/// is transient, `Client` permanent, a bad ACK signature permanent.
public struct NSWDeliveryChannel: DeliveryChannel {
    public var url: String
    /// The partner id the ACK's signer must be bound to (`Header/From/identity` of the ACK).
    public var partner: String
    public var timeout: Duration
    /// The largest answer read.
    public var maximumAnswerBytes: Int = 1 << 20
    private let security: SecurityServices
    private let profiles: DocumentProfiles
    private let httpClient: PartnerHTTPClient

    /// - Parameters:
    ///   - partner: the NSW's partner id; `NSW-VN` in the development configuration.
    ///   - timeout: for the whole exchange; keep it well under the engine's lease.
    /// - Parameters:
    ///   - profiles: the document profiles whose unsigned documents this channel wraps and signs.
    public init(
        url: String, security: SecurityServices, profiles: DocumentProfiles,
        partner: String = NSWParty.developmentNSW.identity, httpClient: PartnerHTTPClient = .shared, timeout: Duration = .seconds(30)
    ) {
        self.profiles = profiles
        self.url = url
        self.security = security
        self.partner = partner
        self.httpClient = httpClient
        self.timeout = timeout
    }

    public func deliver(_ delivery: ClaimedDelivery) async -> DeliveryResult {
        await attempt(delivery).result
    }

    /// Signs an unsigned document into an NSW envelope dated ``ClaimedDelivery/firstClaimedAt``
    /// (the signed bytes come back for the completion), or reads the stored envelope, sends it
    /// and classifies the answer.
    public func attempt(_ delivery: ClaimedDelivery) async -> DeliveryAttempt {
        let security = self.security
        let signed = SignAtDelivery.payload(for: delivery, profiles: profiles, signedContentType: ChannelContentType.nswEnvelope) {
            document, unsigned in
            guard let codes = unsigned.profile.nsw else {
                throw SignatureError(.malformedMessage, "documents of type \(unsigned.profile.documentType) are not carried to the NSW")
            }
            return try security.signForNSW(
                document, summary: unsigned.summary, codes: codes, messageId: delivery.wireMessageID, at: delivery.firstClaimedAt)
        }
        let envelope: [UInt8]
        let messageId: String
        switch signed {
        case .success(let payload) where payload.signed != nil:
            // Just signed with the wire message id: no need to parse the envelope to read it back.
            envelope = payload.bytes
            messageId = delivery.wireMessageID
        case .success(let payload):
            envelope = payload.bytes
            do {
                let document = try XMLDocument(bytes: envelope)
                let ns: String?? = .some(Namespace.nswEnvelope)
                messageId =
                    document.root.child("Header", namespace: ns)?.child("Reference", namespace: ns)?
                    .child("messageId", namespace: ns)?.text.trimmed ?? delivery.wireMessageID
            } catch {
                return DeliveryAttempt(result: .failed(DeliveryFailure(.signingFailed, "the stored NSW envelope is not usable XML: \(error)")))
            }
        case .failure(let failure): return DeliveryAttempt(result: .failed(failure))
        }
        let headers = [
            ("Content-Type", ChannelContentType.soap11), ("SOAPAction", "\"\(SOAP11.submitAction)\""), ("X-SWGate-Message-Id", messageId),
        ]
        let sent = await httpClient.post(
            url: url, headers: headers, body: SOAP11.envelope(containing: envelope), timeout: timeout,
            maximumAnswerBytes: maximumAnswerBytes)
        let signedNow = (try? signed.get())?.signed
        switch sent {
        case .failure(let failure): return DeliveryAttempt(result: .failed(failure), signed: signedNow)
        case .success(let answer): return DeliveryAttempt(result: classify(answer, messageId: messageId), signed: signedNow)
        }
    }

    /// Reads the SOAP answer: a Fault by its code, an ACK by its signature and content, and
    /// anything that is not SOAP by its HTTP status. Public for the answer fuzz target: it reads
    /// bytes from outside.
    public func classify(_ answer: HTTPAnswer, messageId: String) -> DeliveryResult {
        let status = answer.status
        let content: SOAP11.Content
        do {
            content = try SOAP11.content(of: XMLDocument(bytes: Array(answer.body)))
        } catch {
            if (200..<300).contains(status) {
                return .failure(.badAnswer, "HTTP \(status) without a SOAP 1.1 answer: \(error)", status: status)
            }
            return HTTPStatusClassifier().classify(answer)
        }
        switch content {
        case .fault(let code, let reason):
            if code.hasPrefix("Server") { return .failure(.soapServerFault, "SOAP fault \(code): \(reason)", status: status) }
            // A Client fault is the NSW refusing this message: the portal hears of it.
            let refusal = PartnerAnswer(
                event: .rejected, status: "FAULT", reason: reason, errors: [PartnerAnswer.Failure(code: "soap:\(code)", message: reason)],
                document: Receipt(contentType: ChannelContentType.soap11, body: answer.body))
            let text = code.hasPrefix("Client") ? "SOAP fault \(code): \(reason)" : "SOAP fault with unknown code \(code): \(reason)"
            return .failed(DeliveryFailure(.soapClientFault, text, httpStatus: status, answer: refusal))
        case .element(let element):
            guard (200..<300).contains(status) else { return HTTPStatusClassifier().classify(answer) }
            guard element.isNamed("Envelope", namespace: Namespace.nswEnvelope) else {
                return .failure(.badAnswer, "the SOAP Body holds \(element.qualifiedName), not an NSW Envelope", status: status)
            }
            // Copied out of the SOAP tree and verified there: the answer is parsed once.
            guard let ackDocument = element.copiedAsDocument() else {
                return .failure(.badAnswer, "the ACK cannot be copied out of the SOAP Body", status: status)
            }
            let ackBytes = ackDocument.serialized()
            let verification: NSWVerification
            do {
                verification = try security.verifyNSWEnvelope(ackDocument)
            } catch {
                return .failure(.badAnswerSignature, "the ACK's signatures do not verify: \(error)", status: status)
            }
            guard verification.sender == partner else {
                return .failure(.badAnswerSignature, "the ACK is signed for \(verification.sender), expected \(partner)", status: status)
            }
            // The verified copy holds what the element holds: read the ACK from the element.
            guard let ack = NSWAcknowledgement(envelope: element) else {
                return .failure(.badAnswer, "the answer's Content is not an Acknowledgement", status: status)
            }
            guard ack.refMessageId == messageId else {
                return .failure(.badAnswer, "the ACK acknowledges \(ack.refMessageId), not \(messageId)", status: status)
            }
            let signedAnswer = Receipt(contentType: ChannelContentType.nswEnvelope, body: Data(ackBytes))
            if ack.status == "REJECTED" || ack.function == "REJECT" {
                let errors = ack.errors.map { "\($0.code): \($0.message)" }.joined(separator: "; ")
                let refusal = PartnerAnswer(
                    event: .rejected, status: ack.status, reason: ack.reason,
                    errors: ack.errors.map { PartnerAnswer.Failure(code: $0.code, message: $0.message, path: $0.path) }, document: signedAnswer)
                return .failed(
                    DeliveryFailure(.nswRejected, "the NSW rejected the message: \(ack.reason ?? "") \(errors)", httpStatus: status, answer: refusal))
            }
            return .delivered(
                receipt: signedAnswer, httpStatus: status,
                answer: PartnerAnswer(event: .received, status: ack.status, reason: ack.reason, document: signedAnswer))
        }
    }
}

extension FailureReason {
    /// The NSW answered with a signed REJECT: the message will not be accepted as it is.
    public static let nswRejected = FailureReason("nsw-rejected", .permanent)
}

public import Foundation
import SWGateChannels
public import SWGateDelivery
public import SWGateDomain
public import SWGateSecurity
public import SWGateStore
import SWGateXML

/// Delivers to the ASEAN Single Window access point over AS4 (see `docs/channels.md`).
///
/// A business document stored unsigned (its profile's media type) is wrapped in an ebMS user message whose MessageId derives from the wire
/// message id, signed with WS-Security and sent, and stored with the attempt's completion (``attempt(_:)``); any other payload is taken as
/// a signed AS4 message. The answer must be an `eb:Receipt` signed by ``partner`` whose
/// RefToMessageId is the message sent and whose NonRepudiationInformation digests equal the
/// digests of the signature sent. An `eb:Error` of severity `warning` is transient, `failure` permanent.
public struct AS4DeliveryChannel: DeliveryChannel {
    public var url: String
    /// The partner id the receipt's signer must be bound to (the access point, e.g. `TH` in development).
    public var partner: String
    public var timeout: Duration
    /// Lifetime of the WS-Security timestamp of messages signed at delivery. Longer than the
    /// 5-minute default on purpose: retries and replays send the stored bytes unchanged.
    public var timestampLifetime: TimeInterval = 24 * 3600
    /// The largest answer read.
    public var maximumAnswerBytes: Int = 1 << 20
    private let security: SecurityServices
    private let profiles: DocumentProfiles
    private let httpClient: PartnerHTTPClient

    /// - Parameters:
    ///   - partner: the access point's partner id (signer of receipts).
    ///   - timeout: for the whole exchange; keep it well under the engine's lease.
    /// - Parameters:
    ///   - profiles: the document profiles whose unsigned documents this channel wraps and signs.
    public init(
        url: String, security: SecurityServices, profiles: DocumentProfiles, partner: String,
        httpClient: PartnerHTTPClient = .shared, timeout: Duration = .seconds(30)
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

    /// Signs an unsigned document into a user message dated ``ClaimedDelivery/firstClaimedAt``
    /// with Ids derived from the wire message id (the signed bytes come back for the completion),
    /// or reads the stored message, sends it and classifies the answer.
    public func attempt(_ delivery: ClaimedDelivery) async -> DeliveryAttempt {
        let security = self.security
        let lifetime = timestampLifetime
        var sentDigests: [String: String] = [:]
        let signed = SignAtDelivery.payload(for: delivery, profiles: profiles, signedContentType: ChannelContentType.as4Message) {
            document, unsigned in
            guard let codes = unsigned.profile.as4 else {
                throw SignatureError(.malformedMessage, "documents of type \(unsigned.profile.documentType) are not carried over AS4")
            }
            var builder = AS4MessageBuilder()
            builder.timestampLifetime = lifetime
            let message = builder.userMessageText(
                summary: unsigned.summary, codes: codes, certificate: security.systemIdentity.certificate,
                messageId: AS4Signals.messageId(forWireMessageID: delivery.wireMessageID), conversationId: delivery.conversation,
                at: delivery.firstClaimedAt, ids: AS4MessageText.Ids(derivedFrom: delivery.wireMessageID))
            let signed = try security.signedAS4Message(message, document: document)
            sentDigests = signed.referenceDigests
            return signed.bytes
        }
        let message: [UInt8]
        let messageId: String
        switch signed {
        case .success(let payload) where payload.signed != nil:
            // Just built and signed here: the id and digests are known without parsing it back.
            message = payload.bytes
            messageId = AS4Signals.messageId(forWireMessageID: delivery.wireMessageID)
        case .success(let payload):
            message = payload.bytes
            guard let sent = try? XMLDocument(bytes: message), let id = AS4Signals.messageId(sent.root) else {
                return DeliveryAttempt(result: .failed(DeliveryFailure(.signingFailed, "the stored AS4 message has no eb:MessageId")))
            }
            messageId = id
            sentDigests = AS4Signals.signedDigests(sent.root)
        case .failure(let failure): return DeliveryAttempt(result: .failed(failure))
        }
        let headers = [("Content-Type", ChannelContentType.soap12), ("X-SWGate-Message-Id", messageId)]
        let signedNow = (try? signed.get())?.signed
        switch await httpClient.post(
            url: url, headers: headers, body: message, timeout: timeout, maximumAnswerBytes: maximumAnswerBytes)
        {
        case .failure(let failure): return DeliveryAttempt(result: .failed(failure), signed: signedNow)
        case .success(let answer): return DeliveryAttempt(result: classify(answer, messageId: messageId, sentDigests: sentDigests), signed: signedNow)
        }
    }

    /// Reads the answer: ebMS errors by severity, a receipt by signature, reference and digests,
    /// anything that is not ebMS by its HTTP status.
    public func classify(_ answer: HTTPAnswer, messageId: String, sentDigests: [String: String]) -> DeliveryResult {
        let status = answer.status
        guard let document = try? XMLDocument(bytes: Array(answer.body)), AS4Signals.messaging(document.root) != nil else {
            if (200..<300).contains(status) {
                return .failure(.badAnswer, "HTTP \(status) without an ebMS signal", status: status)
            }
            return HTTPStatusClassifier().classify(answer)
        }
        let errors = AS4Signals.errors(document.root)
        if !errors.isEmpty {
            let text = errors.map { "\($0.code) (\($0.severity)): \($0.description)" }.joined(separator: "; ")
            if errors.allSatisfy({ $0.severity == "warning" }) {
                return .failure(.ebmsWarning, "ebMS error: \(text)", status: status)
            }
            let refusal = PartnerAnswer(
                event: .rejected, status: "ERROR", reason: errors.first?.description,
                errors: errors.map { PartnerAnswer.Failure(code: $0.code, message: $0.description) },
                document: Receipt(contentType: ChannelContentType.as4Message, body: answer.body))
            return .failed(DeliveryFailure(.ebmsFailure, "ebMS error: \(text)", httpStatus: status, answer: refusal))
        }
        guard (200..<300).contains(status) else { return HTTPStatusClassifier().classify(answer) }
        let verification: AS4Verification
        do {
            verification = try security.verifyAS4Message(document, partner: partner)
        } catch {
            return .failure(.badAnswerSignature, "the receipt's signature does not verify: \(error)", status: status)
        }
        guard verification.isSignal, let receiptDigests = AS4Signals.receiptDigests(document.root) else {
            return .failure(.badAnswer, "the answer is not an eb:Receipt with NonRepudiationInformation", status: status)
        }
        guard verification.refToMessageId == messageId else {
            return .failure(.badAnswer, "the receipt refers to \(verification.refToMessageId ?? "nothing"), not \(messageId)", status: status)
        }
        guard !sentDigests.isEmpty, receiptDigests == sentDigests else {
            return .failure(.badAnswer, "the receipt's NonRepudiationInformation digests differ from the signature sent", status: status)
        }
        let receipt = Receipt(contentType: ChannelContentType.as4Message, body: answer.body)
        return .delivered(receipt: receipt, httpStatus: status, answer: PartnerAnswer(event: .accepted, status: "RECEIPT", document: receipt))
    }
}

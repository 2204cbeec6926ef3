public import Foundation
import SWGateChannels
import SWGateDelivery
public import SWGateDomain
public import SWGateSecurity
import SWGateStore
import SWGateXML

/// Writes unsigned AS4 messages (docs/as4-profile.md): a SOAP 1.2 envelope with `eb:Messaging` and a
/// `wsse:Security` header holding the timestamp and the signer's certificate as a
/// BinarySecurityToken. ``SecurityServices/signAS4Message(_:)`` then adds the signature.
public struct AS4MessageBuilder: Sendable {
    /// ebMS role of the sender.
    public var fromRole: String = WSSecurity.initiatorRole
    /// ebMS role of the receiver.
    public var toRole: String = WSSecurity.responderRole
    /// `PartProperties/Property[@name='MimeType']` of the payload, which the eDelivery AS4 profile
    /// and common AS4 stacks expect on every part.
    public var payloadMimeType: String = "application/xml"
    /// `PartProperties/Property[@name='CharacterSet']`, for an XML payload.
    public var payloadCharacterSet: String = "utf-8"
    /// How long the WS-Security timestamp is valid.
    public var timestampLifetime: TimeInterval = 300

    /// A builder with the initiator/responder roles.
    public init() {}

    /// A user message carrying business `document` from `summary.issuingCountry` to
    /// `summary.importingCountry`, with its profile's ebMS Service and Action. `conversationId` is
    /// the conversation (the first issue of a chain of replacements); the document's own
    /// reference when not given.
    public func userMessage(
        document: [UInt8], summary: DocumentSummary, codes: DocumentProfile.AS4Codes, certificate: Certificate,
        messageId: String? = nil, refToMessageId: String? = nil, conversationId: String? = nil,
        at date: Date = Date()
    ) -> String {
        userMessageText(
            summary: summary, codes: codes, certificate: certificate, messageId: messageId, refToMessageId: refToMessageId,
            conversationId: conversationId, at: date
        ).text(body: XMLText.embeddableBytes(document))
    }

    /// ``userMessage(document:summary:codes:certificate:messageId:refToMessageId:conversationId:at:)``
    /// as its parts, for signing as text (``SecurityServices/signedAS4Message(_:document:)``): the
    /// `eb:Messaging` content is written as exclusive C14N renders it.
    package func userMessageText(
        summary: DocumentSummary, codes: DocumentProfile.AS4Codes, certificate: Certificate,
        messageId: String? = nil, refToMessageId: String? = nil, conversationId: String? = nil,
        at date: Date = Date(), ids: AS4MessageText.Ids? = nil
    ) -> AS4MessageText {
        let messageId = messageId ?? Self.newMessageId()
        let e = XMLText.canonicalText
        let a = XMLText.canonicalAttribute
        var info = "<eb:Timestamp>\(XMLText.dateTime(date))</eb:Timestamp><eb:MessageId>\(e(messageId))</eb:MessageId>"
        if let refToMessageId { info += "<eb:RefToMessageId>\(e(refToMessageId))</eb:RefToMessageId>" }
        let service = codes.service
        let action = codes.action
        let to = summary.importingCountry ?? ""
        let ids = ids ?? AS4MessageText.Ids(suffix: MessageIdentifier.random())
        let user = """
            <eb:UserMessage><eb:MessageInfo>\(info)</eb:MessageInfo><eb:PartyInfo>\
            <eb:From><eb:PartyId type="\(a(WSSecurity.partyIdType))">\(e(summary.issuingCountry))</eb:PartyId><eb:Role>\(e(fromRole))</eb:Role></eb:From>\
            <eb:To><eb:PartyId type="\(a(WSSecurity.partyIdType))">\(e(to))</eb:PartyId><eb:Role>\(e(toRole))</eb:Role></eb:To>\
            </eb:PartyInfo><eb:CollaborationInfo><eb:Service>\(e(service))</eb:Service><eb:Action>\(e(action))</eb:Action>\
            <eb:ConversationId>\(e(conversationId ?? summary.reference))</eb:ConversationId></eb:CollaborationInfo>\
            <eb:PayloadInfo><eb:PartInfo href="#\(a(ids.body))"><eb:PartProperties>\
            <eb:Property name="MimeType">\(e(payloadMimeType))</eb:Property><eb:Property name="CharacterSet">\(e(payloadCharacterSet))</eb:Property>\
            </eb:PartProperties></eb:PartInfo></eb:PayloadInfo></eb:UserMessage>
            """
        return AS4MessageText(ids: ids, messaging: user, created: date, lifetime: timestampLifetime, certificate: certificate.base64)
    }

    /// A signed-receipt signal for a verified user message: `eb:Receipt` with the verified
    /// reference digests as ebbp:NonRepudiationInformation.
    public func receipt(
        for verification: AS4Verification, certificate: Certificate,
        messageId: String? = nil, at date: Date = Date()
    ) -> String {
        receiptText(for: verification, certificate: certificate, messageId: messageId, at: date).text(body: [])
    }

    /// ``receipt(for:certificate:messageId:at:)`` as its parts, for signing as text: the
    /// `eb:Messaging` content written as exclusive C14N renders it (each `ds:Reference` declares the
    /// `ds` prefix it is the first to use; no empty-element tags).
    package func receiptText(
        for verification: AS4Verification, certificate: Certificate,
        messageId: String? = nil, at date: Date = Date()
    ) -> AS4MessageText {
        let messageId = messageId ?? Self.newMessageId()
        let e = XMLText.canonicalText
        let a = XMLText.canonicalAttribute
        var parts = ""
        for reference in verification.signature.references {
            parts += "<ebbp:MessagePartNRInformation><ds:Reference xmlns:ds=\"\(Namespace.xmldsig)\" URI=\"\(a(reference.uri))\">"
            if !reference.transforms.isEmpty {
                parts +=
                    "<ds:Transforms>" + reference.transforms.map { "<ds:Transform Algorithm=\"\(a($0))\"></ds:Transform>" }.joined()
                    + "</ds:Transforms>"
            }
            parts +=
                "<ds:DigestMethod Algorithm=\"\(a(reference.digestMethod))\"></ds:DigestMethod><ds:DigestValue>\(e(reference.digestValue))</ds:DigestValue>"
                + "</ds:Reference></ebbp:MessagePartNRInformation>"
        }
        let signal = """
            <eb:SignalMessage><eb:MessageInfo><eb:Timestamp>\(XMLText.dateTime(date))</eb:Timestamp>\
            <eb:MessageId>\(e(messageId))</eb:MessageId><eb:RefToMessageId>\(e(verification.messageId))</eb:RefToMessageId></eb:MessageInfo>\
            <eb:Receipt><ebbp:NonRepudiationInformation xmlns:ebbp="\(Namespace.ebbp)">\(parts)\
            </ebbp:NonRepudiationInformation></eb:Receipt></eb:SignalMessage>
            """
        return AS4MessageText(
            ids: .init(suffix: MessageIdentifier.random()), messaging: signal, created: date, lifetime: timestampLifetime,
            certificate: certificate.base64)
    }

    /// An error signal (`eb:SignalMessage` with one `eb:Error`), to be signed like every signal.
    public func error(
        code: String, severity: String, shortDescription: String, description: String, refToMessageId: String?,
        certificate: Certificate, messageId: String? = nil, at date: Date = Date()
    ) -> String {
        let messageId = messageId ?? Self.newMessageId()
        let e = XMLText.escape
        var info = "<eb:Timestamp>\(XMLText.dateTime(date))</eb:Timestamp><eb:MessageId>\(e(messageId))</eb:MessageId>"
        var refAttribute = ""
        if let refToMessageId, !refToMessageId.isEmpty {
            info += "<eb:RefToMessageId>\(e(refToMessageId))</eb:RefToMessageId>"
            refAttribute = " refToMessageInError=\"\(e(refToMessageId))\""
        }
        let signal = """
            <eb:SignalMessage><eb:MessageInfo>\(info)</eb:MessageInfo>\
            <eb:Error errorCode="\(e(code))" severity="\(e(severity))" shortDescription="\(e(shortDescription))"\(refAttribute) origin="ebMS">\
            <eb:Description xml:lang="en">\(e(String(description.prefix(2000))))</eb:Description></eb:Error></eb:SignalMessage>
            """
        return envelope(messaging: signal, certificate: certificate, at: date)
    }

    /// A new ebMS `MessageId`: a random UUID at `swgate`.
    static func newMessageId() -> String { MessageIdentifier.random() + "@swgate" }

    /// A signal: `messaging` in `eb:Messaging`, an empty Body.
    private func envelope(messaging: String, certificate: Certificate, at date: Date) -> String {
        AS4MessageText(
            ids: .init(suffix: MessageIdentifier.random()), messaging: messaging, created: date, lifetime: timestampLifetime,
            certificate: certificate.base64
        ).text(body: [])
    }
}

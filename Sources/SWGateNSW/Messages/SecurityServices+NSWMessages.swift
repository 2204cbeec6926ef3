public import Foundation
import SWGateChannels
import SWGateDelivery
public import SWGateDomain
public import SWGateSecurity
import SWGateStore
import SWGateXML

extension SecurityServices {
    /// Wraps business `document` (described by `summary` and its profile's NSW `codes`) in an NSW
    /// envelope from ``SecurityConfiguration/localParty`` to ``SecurityConfiguration/nswParty`` and
    /// signs it (Content signature + SystemSignature).
    public func signForNSW(
        _ document: [UInt8], summary: DocumentSummary, codes: DocumentProfile.NSWCodes, messageId: String? = nil,
        at date: Date = Date()
    ) throws(SignatureError) -> [UInt8] {
        let builder = NSWEnvelopeBuilder(from: configuration.localParty, to: configuration.nswParty)
        let messageId = messageId ?? MessageIdentifier.random()
        // As text, without parsing the envelope; through the tree when the document needs it.
        let header = builder.header(summary: summary, codes: codes, messageId: messageId, sendDate: date)
        if let signed = try signNSWEnvelope(header: Array(header.utf8), contentId: builder.contentId, document: document) {
            return signed
        }
        let envelope = builder.envelope(document: document, summary: summary, codes: codes, messageId: messageId, sendDate: date)
        return try signNSWEnvelope(Array(envelope.utf8), at: date)
    }

    /// Signs `acknowledgement` in an NSW envelope from `from` to `to` (Content signature and
    /// SystemSignature): as text, or through the tree when the text path declines (the xmlsec
    /// engine, a character XML does not allow).
    public func signAcknowledgement(
        _ acknowledgement: NSWAcknowledgement, from: NSWParty, to: NSWParty, messageId: String? = nil, at date: Date = Date()
    ) throws(SignatureError) -> [UInt8] {
        let messageId = messageId ?? MessageIdentifier.random()
        let (header, content) = acknowledgement.parts(from: from, to: to, messageId: messageId, date: date)
        if let signed = try signNSWEnvelope(header: Array(header.utf8), contentId: "Content", canonicalContent: Array(content.utf8)) {
            return signed
        }
        return try signNSWEnvelope(acknowledgement.envelope(from: from, to: to, messageId: messageId, date: date), at: date)
    }
}

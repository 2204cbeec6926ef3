public import Foundation
import SWGateChannels
import SWGateDelivery
public import SWGateDomain
public import SWGateSecurity
import SWGateStore
import SWGateXML

/// Writes an unsigned NSW envelope (docs/nsw-profile.md) around a business document; ``SecurityServices``
/// then adds the Content signature and the SystemSignature.
public struct NSWEnvelopeBuilder: Sendable {
    /// Header `From`.
    public var from: NSWParty
    /// Header `To`.
    public var to: NSWParty
    /// Header `Reference/version`.
    public var version: String = "1.0"
    /// The Id of `Body/Content`, referenced by the Content signature.
    public var contentId: String = "Content"

    /// A builder for envelopes from `from` to `to`.
    public init(from: NSWParty, to: NSWParty) {
        self.from = from
        self.to = to
    }

    /// The envelope for business `document` (its bytes, embedded unchanged apart from the XML
    /// declaration), announced in `Subject` by its summary and its profile's NSW codes.
    public func envelope(
        document: [UInt8], summary: DocumentSummary, codes: DocumentProfile.NSWCodes, messageId: String? = nil,
        sendDate: Date = Date()
    ) -> String {
        let header = header(summary: summary, codes: codes, messageId: messageId ?? MessageIdentifier.random(), sendDate: sendDate)
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <Envelope xmlns="\(Namespace.nswEnvelope)">\(header)<Body><Content Id="\(XMLText.escape(contentId))">\
            \(XMLText.embeddable(document))</Content></Body></Envelope>
            """
    }

    /// The `Header` element, written as exclusive C14N renders it inside the envelope (text escaped
    /// as C14N escapes it, no empty-element tags), so that the text signer can hash it as it is.
    public func header(summary: DocumentSummary, codes: DocumentProfile.NSWCodes, messageId: String, sendDate: Date) -> String {
        let e = XMLText.canonicalText
        var subject =
            "<documentType>\(e(codes.documentType))</documentType><type>\(e(codes.type))</type>"
            + "<function>\(e(summary.function))</function><reference>\(e(summary.reference))</reference>"
        if let previous = summary.replaces { subject += "<preReference>\(e(previous))</preReference>" }
        subject += "<documentYear>\(e(summary.documentYear))</documentYear><sendDate>\(XMLText.dateTime(sendDate))</sendDate>"
        return header(subject: subject, messageId: messageId)
    }

    /// The `Header` element around `subject` (the content of `Subject`, written as C14N renders it).
    func header(subject: String, messageId: String) -> String {
        let e = XMLText.canonicalText
        return "<Header><Reference><version>\(e(version))</version><messageId>\(e(messageId))</messageId></Reference>"
            + "\(Self.party("From", from))\(Self.party("To", to))<Subject>\(subject)</Subject></Header>"
    }

    /// A `From` or `To` element, written as C14N renders it.
    static func party(_ element: String, _ party: NSWParty) -> String {
        let e = XMLText.canonicalText
        var text =
            "<\(element)><name>\(e(party.name))</name><identity>\(e(party.identity))</identity>"
            + "<countryCode>\(e(party.countryCode))</countryCode><ministryCode>\(e(party.ministryCode))</ministryCode>"
            + "<organizationCode>\(e(party.organizationCode))</organizationCode>"
        if let unit = party.unitCode { text += "<unitCode>\(e(unit))</unitCode>" }
        return text + "</\(element)>"
    }
}

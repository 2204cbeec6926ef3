public import Foundation
import SWGateChannels
import SWGateDelivery
import SWGateDomain
public import SWGateSecurity
import SWGateStore
public import SWGateXML

/// An NSW `Acknowledgement` (docs/nsw-profile.md): the answer to a message — received (`ACK`/`RECEIVED`),
/// refused (`REJECT`/`REJECTED`, with errors) or a decision (`STATUS`).
public struct NSWAcknowledgement: Sendable, Hashable {
    /// One error of a rejection.
    public struct Failure: Sendable, Hashable {
        public var code: String
        public var message: String
        public var path: String?
        public init(code: String, message: String, path: String? = nil) {
            self.code = code
            self.message = message
            self.path = path
        }
    }

    /// `Subject/function`: `ACK`, `REJECT` or `STATUS`.
    public var function: String
    /// `RefMessageId`: the message answered.
    public var refMessageId: String
    /// `Reference`: the C/O reference number.
    public var reference: String
    /// `Status`: `RECEIVED`, `ACCEPTED`, `REJECTED`, `PREFERENCE_GIVEN`, `PREFERENCE_NOT_GIVEN`.
    public var status: String
    public var reason: String?
    public var errors: [Failure]
    /// `Subject/type` of the envelope: the type of the document answered (`CO`, `LIC`, …).
    public var subjectType: String = "CO"

    /// An acknowledgement; the default is "received".
    public init(
        function: String = "ACK", refMessageId: String, reference: String, status: String = "RECEIVED",
        reason: String? = nil, errors: [Failure] = []
    ) {
        self.function = function
        self.refMessageId = refMessageId
        self.reference = reference
        self.status = status
        self.reason = reason
        self.errors = errors
    }

    /// The unsigned NSW envelope carrying this acknowledgement from `from` to `to`.
    public func envelope(from: NSWParty, to: NSWParty, messageId: String? = nil, date: Date = Date()) -> [UInt8] {
        let (header, content) = parts(from: from, to: to, messageId: messageId ?? MessageIdentifier.random(), date: date)
        let text =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Envelope xmlns=\"\(Namespace.nswEnvelope)\">\(header)"
            + "<Body><Content Id=\"Content\">\(content)</Content></Body></Envelope>"
        return Array(text.utf8)
    }

    /// The envelope's `Header` and what its `Content` holds, both written as exclusive C14N renders
    /// them inside the envelope, for signing as text
    /// (``SecurityServices/signNSWEnvelope(header:contentId:canonicalContent:)``).
    func parts(from: NSWParty, to: NSWParty, messageId: String, date: Date) -> (header: String, content: String) {
        let e = XMLText.canonicalText
        var content =
            "<Acknowledgement><RefMessageId>\(e(refMessageId))</RefMessageId><Reference>\(e(reference))</Reference>"
            + "<Status>\(e(status))</Status>"
        if let reason { content += "<Reason>\(e(String(reason.prefix(1000))))</Reason>" }
        for error in errors.prefix(1000) {
            content += "<Error><Code>\(e(error.code))</Code><Message>\(e(String(error.message.prefix(1000))))</Message>"
            if let path = error.path { content += "<Path>\(e(String(path.prefix(1000))))</Path>" }
            content += "</Error>"
        }
        content += "</Acknowledgement>"
        let year = String(XMLText.dateTime(date).prefix(4))
        let subject =
            "<documentType>\(EnvelopeRules.acknowledgementDocumentType)</documentType><type>\(e(subjectType))</type>"
            + "<function>\(e(function))</function><reference>\(e(reference))</reference>"
            + "<documentYear>\(year)</documentYear><sendDate>\(XMLText.dateTime(date))</sendDate>"
        return (NSWEnvelopeBuilder(from: from, to: to).header(subject: subject, messageId: messageId), content)
    }

    /// The acknowledgement in a (verified) NSW envelope, or nil when its Content is something else.
    public init?(envelope root: XMLElement) {
        let ns: String?? = .some(Namespace.nswEnvelope)
        guard let ack = root.child("Body", namespace: ns)?.child("Content", namespace: ns)?.child("Acknowledgement", namespace: ns),
            let ref = ack.child("RefMessageId", namespace: ns)?.text, let reference = ack.child("Reference", namespace: ns)?.text,
            let status = ack.child("Status", namespace: ns)?.text
        else { return nil }
        let function = root.child("Header", namespace: ns)?.child("Subject", namespace: ns)?.child("function", namespace: ns)?.text ?? ""
        self.init(
            function: function.trimmed, refMessageId: ref.trimmed, reference: reference.trimmed, status: status.trimmed,
            reason: ack.child("Reason", namespace: ns)?.text,
            errors: ack.children("Error", namespace: ns).map {
                Failure(
                    code: $0.child("Code", namespace: ns)?.text.trimmed ?? "", message: $0.child("Message", namespace: ns)?.text ?? "",
                    path: $0.child("Path", namespace: ns)?.text)
            })
    }
}

extension NSWParty {
    /// The party in an NSW header element (`From` or `To`), or nil when a required field is missing.
    init?(header element: XMLElement?) {
        guard let element else { return nil }
        let ns: String?? = .some(Namespace.nswEnvelope)
        func value(_ name: String) -> String? { element.child(name, namespace: ns)?.text.trimmed }
        guard let name = value("name"), let identity = value("identity"), let country = value("countryCode"),
            let ministry = value("ministryCode"), let organization = value("organizationCode")
        else { return nil }
        self.init(
            name: name, identity: identity, countryCode: country, ministryCode: ministry, organizationCode: organization,
            unitCode: value("unitCode"))
    }
}

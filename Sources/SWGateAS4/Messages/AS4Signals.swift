import Foundation
import SWGateChannels
import SWGateDelivery
import SWGateDomain
import SWGateSecurity
import SWGateStore
import SWGateXML

/// ebMS 3 signals and the parts of AS4 messages the channels read.
enum AS4Signals {
    /// An `eb:Error` of a signal message.
    struct ErrorSignal {
        var code: String
        var severity: String
        var description: String
    }

    /// The AS4 user message id ebMS expects (`local@domain`), derived from a wire message id so
    /// that every attempt of one delivery uses the same id.
    static func messageId(forWireMessageID id: String) -> String {
        id.contains("@") ? id : id + "@swgate"
    }

    /// `eb:Messaging` of a SOAP 1.2 envelope.
    static func messaging(_ root: XMLElement) -> XMLElement? {
        guard root.isNamed("Envelope", namespace: Namespace.soap12) else { return nil }
        return root.child("Header", namespace: .some(Namespace.soap12))?.child("Messaging", namespace: .some(Namespace.ebms))
    }

    /// `MessageInfo/MessageId` of the user or signal message.
    static func messageId(_ root: XMLElement) -> String? {
        guard let messaging = messaging(root) else { return nil }
        let message = messaging.child("UserMessage") ?? messaging.child("SignalMessage")
        return message?.child("MessageInfo")?.child("MessageId")?.text.trimmed
    }

    /// The `eb:Error`s of a signal message (empty when there are none).
    static func errors(_ root: XMLElement) -> [ErrorSignal] {
        guard let signal = messaging(root)?.child("SignalMessage") else { return [] }
        return signal.children("Error").map {
            ErrorSignal(
                code: $0.attribute("errorCode") ?? "", severity: ($0.attribute("severity") ?? "failure").lowercased(),
                description: $0.child("Description")?.text.trimmed ?? $0.attribute("shortDescription") ?? "")
        }
    }

    /// `URI → DigestValue` of every `ds:Reference` in the message's WS-Security signature.
    static func signedDigests(_ root: XMLElement) -> [String: String] {
        let ds: String?? = .some(Namespace.xmldsig)
        guard
            let signedInfo = root.child("Header", namespace: .some(Namespace.soap12))?.child("Security", namespace: .some(Namespace.wsse))?
                .child("Signature", namespace: ds)?.child("SignedInfo", namespace: ds)
        else { return [:] }
        return digests(signedInfo.children("Reference", namespace: ds))
    }

    /// `URI → DigestValue` of the receipt's NonRepudiationInformation.
    static func receiptDigests(_ root: XMLElement) -> [String: String]? {
        guard let receipt = messaging(root)?.child("SignalMessage")?.child("Receipt"),
            let nri = receipt.child("NonRepudiationInformation", namespace: .some(Namespace.ebbp))
        else { return nil }
        let references = nri.children("MessagePartNRInformation", namespace: .some(Namespace.ebbp))
            .compactMap { $0.child("Reference", namespace: .some(Namespace.xmldsig)) }
        return digests(references)
    }

    private static func digests(_ references: [XMLElement]) -> [String: String] {
        var result: [String: String] = [:]
        for reference in references {
            let value = reference.child("DigestValue", namespace: .some(Namespace.xmldsig))?.text.removingWhitespace ?? ""
            result[reference.attribute("URI") ?? ""] = value
        }
        return result
    }

    /// A SOAP 1.2 envelope with an `eb:SignalMessage` holding one `eb:Error` (unsigned).
    static func errorEnvelope(
        code: String, severity: String, shortDescription: String, description: String,
        refToMessageId: String?, date: Date = Date()
    ) -> [UInt8] {
        let e = XMLText.escape
        var info =
            "<eb:Timestamp>\(XMLText.dateTime(date))</eb:Timestamp>"
            + "<eb:MessageId>\(AS4MessageBuilder.newMessageId())</eb:MessageId>"
        var refAttribute = ""
        if let refToMessageId, !refToMessageId.isEmpty {
            info += "<eb:RefToMessageId>\(e(refToMessageId))</eb:RefToMessageId>"
            refAttribute = " refToMessageInError=\"\(e(refToMessageId))\""
        }
        let text =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<S12:Envelope xmlns:S12=\"\(Namespace.soap12)\"><S12:Header>"
            + "<eb:Messaging xmlns:eb=\"\(Namespace.ebms)\" S12:mustUnderstand=\"true\"><eb:SignalMessage><eb:MessageInfo>\(info)</eb:MessageInfo>"
            + "<eb:Error errorCode=\"\(e(code))\" severity=\"\(e(severity))\" shortDescription=\"\(e(shortDescription))\"\(refAttribute) origin=\"ebMS\">"
            + "<eb:Description xml:lang=\"en\">\(e(String(description.prefix(2000))))</eb:Description></eb:Error>"
            + "</eb:SignalMessage></eb:Messaging></S12:Header><S12:Body/></S12:Envelope>"
        return Array(text.utf8)
    }
}

import Foundation
import SWGateChannels
import SWGateDelivery
import SWGateDomain
import SWGateSecurity
import SWGateStore
import SWGateXML

/// SOAP 1.1 as the NSW channel uses it: an Envelope with an optional Header and a Body holding
/// one element (the NSW envelope) or a Fault.
enum SOAP11 {
    /// The action of the NSW service's one operation (WSDL `soapAction`, HTTP `SOAPAction`).
    static let submitAction = "urn:swgate:nsw:Submit"

    /// A SOAP 1.1 envelope whose Body holds `content` (a whole XML document, declaration stripped).
    static func envelope(containing content: [UInt8]) -> [UInt8] {
        Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope xmlns:soap=\"\(Namespace.soap11)\"><soap:Body>".utf8)
            + Array(XMLText.embeddableBytes(content)) + Array("</soap:Body></soap:Envelope>".utf8)
    }

    /// A SOAP 1.1 Fault; `code` is `Client` or `Server`.
    static func fault(code: String, reason: String, detail: String? = nil) -> [UInt8] {
        let e = XMLText.escape
        var text =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope xmlns:soap=\"\(Namespace.soap11)\"><soap:Body><soap:Fault>"
            + "<faultcode>soap:\(code)</faultcode><faultstring>\(e(reason))</faultstring>"
        if let detail { text += "<detail><swgate:check xmlns:swgate=\"urn:swgate:fault:1\">\(e(detail))</swgate:check></detail>" }
        text += "</soap:Fault></soap:Body></soap:Envelope>"
        return Array(text.utf8)
    }

    /// What a SOAP 1.1 message carries.
    enum Content {
        /// The Body's one child element.
        case element(XMLElement)
        /// A Fault: the local part of `faultcode` (`Client`, `Server`, `Client.Validation`, …) and `faultstring`.
        case fault(code: String, reason: String)
    }

    /// Structural reading of a parsed SOAP 1.1 envelope.
    static func content(of document: XMLDocument) throws(SOAPStructureError) -> Content {
        let root = document.root
        guard root.isNamed("Envelope", namespace: Namespace.soap11) else {
            throw SOAPStructureError("the document element is not a SOAP 1.1 Envelope")
        }
        let parts = root.children
        let bodies = parts.filter { $0.isNamed("Body", namespace: Namespace.soap11) }
        guard bodies.count == 1, let body = bodies.first, parts.last.map({ $0.isNamed("Body", namespace: Namespace.soap11) }) == true else {
            throw SOAPStructureError("the SOAP Envelope needs exactly one Body, after the optional Header")
        }
        guard parts.count == 1 || (parts.count == 2 && parts[0].isNamed("Header", namespace: Namespace.soap11)) else {
            throw SOAPStructureError("the SOAP Envelope holds elements other than Header and Body")
        }
        let children = body.children
        guard children.count == 1, let child = children.first else {
            throw SOAPStructureError("the SOAP Body must hold exactly one element, found \(children.count)")
        }
        if child.isNamed("Fault", namespace: Namespace.soap11) {
            let code = child.child("faultcode", namespace: .some(nil))?.text.trimmed ?? ""
            let local = code.split(separator: ":").last.map(String.init) ?? code
            return .fault(code: local, reason: child.child("faultstring", namespace: .some(nil))?.text ?? "")
        }
        return .element(child)
    }
}

/// A SOAP message whose structure is not what the channel expects.
struct SOAPStructureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

import SWGateXML
import SWGateDomain
import Foundation

/// The parts of an NSW envelope (docs/nsw-profile.md) that the signatures bind, found by position, with
/// every structural deviation that could hide a second business document refused.
struct NSWEnvelopeStructure {
    let root: NodePointer
    let body: NodePointer
    let content: NodePointer
    let contentId: String
    let contentSignature: NodePointer?
    let systemSignatureElement: NodePointer?
    let systemSignature: NodePointer?
    let senderIdentity: String
    let messageId: String

    init(_ root: NodePointer) throws(SignatureError) {
        let ns = Namespace.nswEnvelope
        guard root.isElement("Envelope", ns) else {
            throw SignatureError(.malformedMessage, "root is <\(root.localName)>, not an NSW Envelope in \(ns)")
        }
        self.root = root
        let top = root.elementChildren
        let names = top.map { $0.namespaceURI == ns ? $0.localName : "{\($0.namespaceURI ?? "")}\($0.localName)" }
        guard names.filter({ $0 == "Body" }).count == 1, names.filter({ $0 == "Header" }).count == 1 else {
            throw SignatureError(.wrapping, "the envelope must have exactly one Header and one Body (has: \(names.joined(separator: ", ")))")
        }
        guard names == ["Header", "Body"] || names == ["Header", "Body", "SystemSignature"] else {
            throw SignatureError(.wrapping, "the envelope's children must be Header, Body, SystemSignature (has: \(names.joined(separator: ", ")))")
        }
        let header = top[0]
        body = top[1]
        guard let from = header.onlyChild("From", ns), let identity = from.onlyChild("identity", ns)?.textContent,
              let reference = header.onlyChild("Reference", ns), let messageId = reference.onlyChild("messageId", ns)?.textContent
        else {
            throw SignatureError(.malformedMessage, "the Header lacks Reference/messageId or From/identity")
        }
        senderIdentity = identity.trimmed
        self.messageId = messageId.trimmed

        let bodyChildren = body.elementChildren
        guard let first = bodyChildren.first, first.isElement("Content", ns), body.children("Content", ns).count == 1 else {
            throw SignatureError(.wrapping, "Body must hold exactly one Content, first")
        }
        content = first
        guard let id = content.attribute("Id"), !id.isEmpty else {
            throw SignatureError(.malformedMessage, "Body/Content has no Id attribute")
        }
        contentId = id
        guard content.elementChildren.count == 1 else {
            throw SignatureError(.wrapping, "Content must hold exactly one business document (has \(content.elementChildren.count))")
        }
        switch bodyChildren.count {
        case 1:
            contentSignature = nil
        case 2 where bodyChildren[1].isElement("Signature", Namespace.xmldsig):
            contentSignature = bodyChildren[1]
        default:
            throw SignatureError(.wrapping, "Body may hold only Content and one ds:Signature after it")
        }
        if top.count == 3 {
            let element = top[2]
            guard element.elementChildren.count == 1, let signature = element.onlyChild("Signature", Namespace.xmldsig) else {
                throw SignatureError(.unexpectedSignature, "SystemSignature must hold exactly one ds:Signature")
            }
            systemSignatureElement = element
            systemSignature = signature
        } else {
            systemSignatureElement = nil
            systemSignature = nil
        }
        let signatures = root.descendantCount(named: "Signature", namespace: Namespace.xmldsig)
        let expected = (contentSignature == nil ? 0 : 1) + (systemSignature == nil ? 0 : 1)
        guard signatures == expected else {
            throw SignatureError(.unexpectedSignature, "the envelope holds \(signatures) ds:Signature elements; only Body/Signature and SystemSignature are allowed")
        }
    }
}

import Foundation
import SWGateDomain
import SWGateXML

/// The parts of an AS4 message (docs/as4-profile.md) that the WS-Security signature must bind, found by
/// their one allowed position: `S12:Envelope/S12:Header/eb:Messaging`,
/// `S12:Envelope/S12:Header/wsse:Security/wsu:Timestamp` and `S12:Envelope/S12:Body`.
struct AS4MessageStructure {
    let root: NodePointer
    let messaging: NodePointer
    let security: NodePointer
    let timestamp: NodePointer
    let token: NodePointer
    let body: NodePointer
    let signature: NodePointer?
    let userMessage: NodePointer?
    let signalMessage: NodePointer?

    init(_ root: NodePointer) throws(SignatureError) {
        let soap = Namespace.soap12
        guard root.isElement("Envelope", soap) else {
            throw SignatureError(.malformedMessage, "root is <\(root.localName)>, not a SOAP 1.2 Envelope")
        }
        self.root = root
        let top = root.elementChildren
        guard top.count == 2, top[0].isElement("Header", soap), top[1].isElement("Body", soap) else {
            throw SignatureError(.wrapping, "the SOAP envelope must hold exactly one Header and then one Body")
        }
        let header = top[0]
        body = top[1]
        let messagings = header.children("Messaging", Namespace.ebms)
        let securities = header.children("Security", Namespace.wsse)
        guard messagings.count == 1, securities.count == 1 else {
            throw SignatureError(
                .wrapping, "the Header must hold exactly one eb:Messaging and one wsse:Security (has \(messagings.count) and \(securities.count))")
        }
        messaging = messagings[0]
        security = securities[0]
        let timestamps = security.children("Timestamp", Namespace.wsu)
        let tokens = security.children("BinarySecurityToken", Namespace.wsse)
        guard timestamps.count == 1, tokens.count == 1 else {
            throw SignatureError(.wrapping, "wsse:Security must hold exactly one wsu:Timestamp and one BinarySecurityToken")
        }
        timestamp = timestamps[0]
        token = tokens[0]
        let signatures = security.children("Signature", Namespace.xmldsig)
        guard signatures.count <= 1 else {
            throw SignatureError(.unexpectedSignature, "wsse:Security holds \(signatures.count) ds:Signature elements")
        }
        signature = signatures.first
        guard root.descendantCount(named: "Signature", namespace: Namespace.xmldsig) == signatures.count else {
            throw SignatureError(.unexpectedSignature, "the message holds a ds:Signature outside wsse:Security")
        }
        let users = messaging.children("UserMessage", Namespace.ebms)
        let signals = messaging.children("SignalMessage", Namespace.ebms)
        guard users.count + signals.count == 1 else {
            throw SignatureError(.wrapping, "eb:Messaging must hold exactly one UserMessage or SignalMessage")
        }
        userMessage = users.first
        signalMessage = signals.first
        if userMessage != nil, body.elementChildren.count != 1 {
            throw SignatureError(.wrapping, "the Body of a user message must hold exactly one business document")
        }
    }

    /// `eb:MessageInfo/eb:<name>` of the user or signal message.
    func messageInfo(_ name: String) -> String? {
        (userMessage ?? signalMessage)?.onlyChild("MessageInfo", Namespace.ebms)?.onlyChild(name, Namespace.ebms)?
            .textContent.trimmed
    }

    /// `eb:PartyInfo/eb:<side>/eb:PartyId` of the user message.
    func partyId(_ side: String) -> String? {
        userMessage?.onlyChild("PartyInfo", Namespace.ebms)?.onlyChild(side, Namespace.ebms)?
            .onlyChild("PartyId", Namespace.ebms)?.textContent.trimmed
    }
}

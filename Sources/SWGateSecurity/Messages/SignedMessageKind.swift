import SWGateDomain
import SWGateXML

/// What a message to sign or verify is, from its root element.
public enum SignedMessageKind: Sendable, Hashable {
    /// A bare ATIGA Form D (`urn:swgate:atiga:form-d:1`).
    case formD
    /// An NSW envelope (`urn:swgate:nsw:envelope:1`).
    case nswEnvelope
    /// An AS4 message (SOAP 1.2 envelope).
    case as4Message

    /// Classifies `bytes` (parsed with the hardened parser).
    /// - Throws: `.malformedMessage` for anything else.
    public init(bytes: [UInt8]) throws(SignatureError) {
        let root = try SecurityServices.parse(bytes).root
        if root.isNamed("FormD", namespace: Namespace.formD) {
            self = .formD
        } else if root.isNamed("Envelope", namespace: Namespace.nswEnvelope) {
            self = .nswEnvelope
        } else if root.isNamed("Envelope", namespace: Namespace.soap12) {
            self = .as4Message
        } else {
            throw SignatureError(.malformedMessage, "<\(root.qualifiedName)> in \(root.namespaceURI ?? "no namespace") is neither a Form D, an NSW envelope nor an AS4 message")
        }
    }
}

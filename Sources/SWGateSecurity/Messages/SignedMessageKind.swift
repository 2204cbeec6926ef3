import SWGateDomain
import SWGateXML

/// What a message to sign or verify is, from its root element.
public enum SignedMessageKind: Sendable, Hashable {
    /// A bare business document (any document profile); the caller knows its profile.
    case businessDocument
    /// An NSW envelope (`urn:swgate:nsw:envelope:1`).
    case nswEnvelope
    /// An AS4 message (SOAP 1.2 envelope).
    case as4Message

    /// Classifies `bytes` (parsed with the hardened parser).
    /// - Throws: `.malformedMessage` when they are not acceptable XML.
    public init(bytes: [UInt8]) throws(SignatureError) {
        let root = try SecurityServices.parse(bytes).root
        if root.isNamed("Envelope", namespace: Namespace.nswEnvelope) {
            self = .nswEnvelope
        } else if root.isNamed("Envelope", namespace: Namespace.soap12) {
            self = .as4Message
        } else {
            self = .businessDocument
        }
    }
}

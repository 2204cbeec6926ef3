import SWGateDomain
internal import CXMLSec
public import Foundation
public import SWGateXML

/// The result of verifying an NSW envelope: both signatures passed every check.
public struct NSWVerification: Sendable, Hashable {
    /// `Header/Reference/messageId`.
    public let messageId: String
    /// `Header/From/identity`, the partner both signers are bound to.
    public let sender: String
    /// The Content signature (issuing officer or organisation).
    public let contentSignature: VerifiedSignature
    /// The enveloped SystemSignature (sending system).
    public let systemSignature: VerifiedSignature
}

extension SecurityServices {
    /// Signs an NSW envelope. A Content already signed (by the issuing officer) is verified
    /// against the trust store and kept unchanged; otherwise Content is signed with the
    /// organisation key. The SystemSignature over the whole envelope is always added.
    public func signNSWEnvelope(_ bytes: [UInt8], at date: Date = Date()) throws(SignatureError) -> [UInt8] {
        let document = try Self.parse(bytes)
        try document.withRootNode { (root) throws(SignatureError) in
            let envelope = try NSWEnvelopeStructure(root)
            guard envelope.systemSignatureElement == nil else {
                throw SignatureError(.unexpectedSignature, "the envelope already has a SystemSignature")
            }
            try DocumentIds.requireUnique(in: envelope.root)
            try DocumentIds.register(envelope.content, attribute: "Id", namespace: nil)
            envelope.root.removeCommentsAndPIs()
            if let officer = envelope.contentSignature {
                _ = try verifyContentSignature(officer, envelope: envelope, at: date)
            } else {
                let identity = organisationIdentity
                let template = try SignatureTemplate.create(
                    in: envelope.body, references: [("#" + envelope.contentId, false)], identity: identity, keyInfo: .x509Data)
                try sign(template, with: identity)
            }
            guard let holder = envelope.root.appendElement("SystemSignature") else {
                throw SignatureError(.internalFailure, "cannot add SystemSignature")
            }
            let identity = systemKeys.identity(at: now())
            let template = try SignatureTemplate.create(in: holder, references: [("", true)], identity: identity, keyInfo: .x509Data)
            try sign(template, with: identity)
        }
        return document.serialized()
    }

    /// Verifies both signatures of an NSW envelope against the trust store and the partner
    /// named in `Header/From/identity`.
    public func verifyNSWEnvelope(_ bytes: [UInt8], at date: Date = Date()) throws(SignatureError) -> NSWVerification {
        try verifyNSWEnvelope(Self.parse(bytes), at: date)
    }

    /// ``verifyNSWEnvelope(_:at:)`` on an envelope already parsed (or copied out of a SOAP Body),
    /// so the caller can validate and read the same tree: one parse per hop. The tree is left as
    /// it was, apart from its Ids being registered.
    public func verifyNSWEnvelope(_ document: XMLDocument, at date: Date = Date()) throws(SignatureError) -> NSWVerification {
        try document.withRootNode { (root) throws(SignatureError) in
            let envelope = try NSWEnvelopeStructure(root)
            guard let contentSignature = envelope.contentSignature else {
                throw SignatureError(.missingSignature, "Body has no ds:Signature over Content")
            }
            guard let systemSignature = envelope.systemSignature else {
                throw SignatureError(.missingSignature, "the envelope has no SystemSignature")
            }
            try DocumentIds.requireUnique(in: envelope.root)
            try DocumentIds.register(envelope.content, attribute: "Id", namespace: nil)
            let content = try verifyContentSignature(contentSignature, envelope: envelope, at: date)
            let verification = SignatureVerification(trustStore: trustStore, engine: engine, partner: try partner(envelope.senderIdentity), date: date, tolerance: configuration.clockSkewSeconds)
            let signer = try SignatureVerification.certificates(fromX509Data: envelope.systemSignature.flatMap { $0.onlyChild("KeyInfo", Namespace.xmldsig) }, trustStore: trustStore)
            let system = try verification.verify(
                systemSignature, expected: [.init(uri: "", element: envelope.root, enveloped: true)],
                signer: signer.signer, intermediates: signer.intermediates)
            return NSWVerification(messageId: envelope.messageId, sender: envelope.senderIdentity, contentSignature: content, systemSignature: system)
        }
    }

    private func verifyContentSignature(_ signature: NodePointer, envelope: NSWEnvelopeStructure, at date: Date) throws(SignatureError) -> VerifiedSignature {
        let verification = SignatureVerification(trustStore: trustStore, engine: engine, partner: try partner(envelope.senderIdentity), date: date, tolerance: configuration.clockSkewSeconds)
        let signer = try SignatureVerification.certificates(fromX509Data: signature.onlyChild("KeyInfo", Namespace.xmldsig), trustStore: trustStore)
        return try verification.verify(
            signature, expected: [.init(uri: "#" + envelope.contentId, element: envelope.content, enveloped: false)],
            signer: signer.signer, intermediates: signer.intermediates)
    }

    /// Parses with the hardened parser; XML errors become `.malformedMessage`.
    static func parse(_ bytes: [UInt8]) throws(SignatureError) -> XMLDocument {
        do {
            return try XMLDocument(bytes: bytes)
        } catch {
            throw SignatureError(.malformedMessage, "not acceptable XML: \(error)")
        }
    }
}

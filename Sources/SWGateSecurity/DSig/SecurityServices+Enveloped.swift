import SWGateDomain
internal import CXMLSec
public import Foundation
import SWGateXML

extension SecurityServices {
    /// Appends an enveloped signature (Reference URI="", enveloped-signature + exclusive C14N,
    /// RSA-SHA256/ECDSA-SHA256, X509Data) to the root of `bytes`, with the system key: the same
    /// template-and-sign path as the NSW SystemSignature, for any document. Comments and
    /// processing instructions inside the root are removed before signing; the signed document
    /// is serialised from the tree. A document with an Id value on two elements is refused
    /// (`duplicateId`), as verification would refuse it.
    public func signEnvelopedDocument(_ bytes: [UInt8]) throws(SignatureError) -> [UInt8] {
        let document = try Self.parse(bytes)
        try document.withRootNode { (root) throws(SignatureError) in
            guard root.descendantCount(named: "Signature", namespace: Namespace.xmldsig) == 0 else { throw SignatureError(.unexpectedSignature, "the document is already signed") }
            // A document whose Ids are not unique could not be verified once signed: refuse it now.
            try DocumentIds.requireUnique(in: root)
            root.removeCommentsAndPIs()
            let identity = systemIdentity
            let template = try SignatureTemplate.create(in: root, references: [("", true)], identity: identity, keyInfo: .x509Data)
            try sign(template, with: identity)
        }
        return document.serialized()
    }

    /// Verifies a document signed by ``signEnvelopedDocument(_:)``: exactly one ds:Signature, a
    /// child of the root, over the whole document, by a certificate of `partner`.
    public func verifyEnvelopedDocument(_ bytes: [UInt8], partner partnerId: String, at date: Date = Date()) throws(SignatureError) -> VerifiedSignature {
        let document = try Self.parse(bytes)
        return try document.withRootNode { (root) throws(SignatureError) in
            var signatures: [NodePointer] = []
            var absoluteNamespaces = true
            let duplicateId = DocumentIds.firstDuplicate(in: root) { node in
                if node != root, node.isElement("Signature", Namespace.xmldsig) { signatures.append(node) }
                if absoluteNamespaces, node.hasNamespaceDeclarations { absoluteNamespaces = AbsoluteNamespaces.holdFor(declarationsOf: node) }
            }
            guard let signature = signatures.first else { throw SignatureError(.missingSignature, "the document is not signed") }
            guard signatures.count == 1, signature.parentElement == root else {
                throw SignatureError(.unexpectedSignature, "exactly one ds:Signature, a child of the root element, is expected")
            }
            if let duplicateId { throw duplicateId }
            let signer = try SignatureVerification.certificates(fromX509Data: signature.onlyChild("KeyInfo", Namespace.xmldsig), trustStore: trustStore)
            let verification = SignatureVerification(trustStore: trustStore, engine: engine, partner: try partner(partnerId), date: date, tolerance: configuration.clockSkewSeconds)
            return try verification.verify(signature, expected: [.init(uri: "", element: root, enveloped: true)],
                                           signer: signer.signer, intermediates: signer.intermediates,
                                           absoluteNamespaces: absoluteNamespaces)
        }
    }
}

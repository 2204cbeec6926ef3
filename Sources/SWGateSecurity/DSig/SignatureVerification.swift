import SWGateDomain
internal import CXMLSec
import SWGateXML
import Foundation

/// The checks every signature goes through, in the order that reports the most precise error:
/// algorithms → references bound to the expected elements → no comments in signed data →
/// certificate chain, validity, revocation → signer bound to the claimed partner → cryptography.
struct SignatureVerification {
    let trustStore: TrustStore
    let engine: SignatureEngine
    let partner: PartnerPolicy
    let date: Date
    /// Clock skew tolerated on the signer's validity period, in seconds.
    var tolerance: Double = 0

    /// A reference the profile requires: `uri` must resolve to exactly `element`.
    struct Expected {
        let uri: String
        let element: NodePointer
        let enveloped: Bool
    }

    /// Verifies `signature` whose references must be exactly `expected` (no more, no fewer,
    /// no duplicates) and whose signer is `signer` (with optional `intermediates`).
    /// `absoluteNamespaces`: ``AbsoluteNamespaces/holdFor(_:)`` of the document when the caller
    /// already walked it; computed here otherwise.
    func verify(_ signature: NodePointer, expected: [Expected], signer: Certificate,
                intermediates: [Certificate], absoluteNamespaces: Bool? = nil) throws(SignatureError) -> VerifiedSignature {
        let enveloped = expected.contains { $0.enveloped }
        let structure = try SignatureStructure(signature, allowSHA1: partner.allowSHA1, enveloped: enveloped)
        let uris = structure.references.map(\.uri)
        guard uris.count == expected.count, Set(uris) == Set(expected.map(\.uri)), Set(uris).count == uris.count else {
            throw SignatureError(.wrapping, "the signature references [\(uris.joined(separator: ", "))] but the gateway processes exactly ["
                + expected.map(\.uri).joined(separator: ", ") + "]")
        }
        for reference in expected {
            if reference.uri.hasPrefix("#") {
                let id = String(reference.uri.dropFirst())
                guard let resolved = DocumentIds.resolve(id, in: signature.document), resolved == reference.element else {
                    throw SignatureError(.wrapping, "reference \(reference.uri) does not resolve to the <\(reference.element.localName)> the gateway processes")
                }
            } else {
                guard reference.uri.isEmpty, reference.element == documentElement(of: signature) else {
                    throw SignatureError(.wrapping, "reference \"\(reference.uri)\" is not the whole document")
                }
            }
            if reference.element.containsCommentOrPI {
                throw SignatureError(.commentInSignedData, "signed <\(reference.element.localName)> contains a comment or processing instruction, which exclusive C14N hides from the digest")
            }
        }
        try trustStore.evaluate(signer, intermediates: intermediates, at: date, tolerance: tolerance)
        guard partner.accepts(signer) else {
            throw SignatureError(.signerNotPartner, "signer \(signer.subject) (SHA-256 \(signer.fingerprintSHA256)) is not a certificate configured for partner \(partner.id)")
        }
        switch engine {
        case .native:
            let elements = Dictionary(expected.map { ($0.uri, $0.element) }, uniquingKeysWith: { first, _ in first })
            let shortWalks = absoluteNamespaces ?? AbsoluteNamespaces.holdFor(signature.document)
            try NativeVerifier.verify(structure, elements: elements, signer: signer, shortWalks: shortWalks)
        case .xmlsec:
            let key = try trustStore.verificationKey(for: signer)
            let context = try DSigContext()
            try withExtendedLifetime(key) { () throws(SignatureError) in
                try context.verify(signature, with: key.key, allowSHA1: partner.allowSHA1)
            }
        }
        return VerifiedSignature(
            signatureMethod: structure.signatureMethod, signerSubject: signer.subject,
            signerFingerprint: signer.fingerprintSHA256, partner: partner.id,
            references: structure.references.map {
                VerifiedReference(uri: $0.uri, digestMethod: $0.digestMethod, digestValue: $0.digestValue, transforms: $0.transforms)
            })
    }

    private func documentElement(of node: NodePointer) -> NodePointer? {
        var current = node
        while let parent = current.parentElement { current = parent }
        return current
    }

    /// The signer certificate from `ds:KeyInfo/ds:X509Data`: the one end-entity certificate;
    /// other certificates in X509Data are treated as untrusted intermediates.
    static func certificates(fromX509Data keyInfo: NodePointer?, trustStore: TrustStore) throws(SignatureError) -> (signer: Certificate, intermediates: [Certificate]) {
        guard let keyInfo else { throw SignatureError(.missingCertificate, "the signature has no ds:KeyInfo") }
        var certificates: [Certificate] = []
        for data in keyInfo.children("X509Data", Namespace.xmldsig) {
            for element in data.children("X509Certificate", Namespace.xmldsig) {
                certificates.append(try trustStore.certificate(base64: element.textContent))
            }
        }
        let leaves = certificates.filter { !$0.isCA }
        guard leaves.count == 1, let signer = leaves.first else {
            throw SignatureError(.missingCertificate, "ds:KeyInfo must carry exactly one end-entity X509Certificate (found \(leaves.count))")
        }
        return (signer, certificates.filter { $0 !== signer })
    }
}

import SWGateDomain
internal import CXMLSec
import SWGateXML

/// Checks the reference digests and the SignatureValue of a signature that already passed
/// every policy check (algorithms, transforms, reference binding, certificate, partner), with
/// libxml2 C14N and OpenSSL.
enum NativeVerifier {
    /// Verifies `structure` whose reference URIs are bound to `elements` (URI → element; the
    /// whole document for `""`) with the public key of `signer`; `shortWalks` is
    /// ``AbsoluteNamespaces/holdFor(_:)`` of the document.
    /// - Throws: `.digestMismatch` when a reference's data changed (checked first, as xmlsec does),
    ///   `.signatureInvalid` when the SignatureValue does not verify or cannot be decoded.
    static func verify(_ structure: SignatureStructure, elements: [String: NodePointer], signer: Certificate,
                       shortWalks: Bool) throws(SignatureError) {
        let ds = Namespace.xmldsig
        guard let signedInfo = structure.node.onlyChild("SignedInfo", ds), let signatureValue = structure.node.onlyChild("SignatureValue", ds),
              let method = Algorithm.signatureDigest(forSignatureMethod: structure.signatureMethod)
        else { throw SignatureError(.malformedMessage, "ds:Signature lacks SignedInfo, SignatureValue or an allowed SignatureMethod") }
        guard let publicKey = X509_get0_pubkey(signer.x509) else {
            throw SignatureError(.missingCertificate, "certificate \(signer.subject) has no usable public key")
        }
        ERR_clear_error()
        for reference in structure.references {
            guard let digest = Algorithm.messageDigest(forDigestMethod: reference.digestMethod) else {
                throw SignatureError(.algorithmNotAllowed, "digest method \(reference.digestMethod) is not allowed")
            }
            guard let expected = Base64.decode(reference.digestValue) else {
                throw SignatureError(.signatureInvalid, "the signature cannot be processed: the DigestValue of reference \"\(reference.uri)\" is not base64")
            }
            let element = reference.uri.isEmpty ? nil : elements[reference.uri]
            guard reference.uri.isEmpty || element != nil else {
                throw SignatureError(.wrapping, "reference \(reference.uri) is not one the gateway processes")
            }
            let actual = try received(CanonicalScope(reference: reference.node, of: structure.node, element: element, shortWalks: shortWalks), digest)
            guard actual == expected else {
                throw SignatureError(.digestMismatch, "the digest of reference \"\(reference.uri)\" does not match: the signed data was changed")
            }
        }
        guard var value = Base64.decode(signatureValue.textContent), !value.isEmpty else {
            throw SignatureError(.signatureInvalid, "the signature cannot be processed: the SignatureValue is not base64")
        }
        let keyIsEC = EVP_PKEY_get_base_id(publicKey) == EVP_PKEY_EC
        guard keyIsEC == method.isECDSA else {
            throw SignatureError(.signatureInvalid, "the SignatureMethod \(structure.signatureMethod) does not fit the signer's key type")
        }
        if method.isECDSA {
            let half = (Int(EVP_PKEY_get_bits(publicKey)) + 7) / 8
            guard value.count == 2 * half else {
                throw SignatureError(.signatureInvalid, "the ECDSA SignatureValue has \(value.count) bytes, expected \(2 * half)")
            }
            var der: UnsafeMutablePointer<UInt8>?
            let length = swg_ecdsaRawToDer(value, Int32(value.count), &der)
            guard length > 0, let der else {
                _ = XMLSecLibrary.drainOpenSSLErrors()
                throw SignatureError(.signatureInvalid, "the ECDSA SignatureValue cannot be decoded")
            }
            value = Array(UnsafeBufferPointer(start: der, count: Int(length)))
            swg_opensslFree(der)
        }
        let verifier: PreparedKeyOperation
        do {
            verifier = try signer.verifier(for: method.digest)
        } catch {
            throw SignatureError(.signatureInvalid, "the signer's key cannot verify \(structure.signatureMethod): \(error.message)")
        }
        let hash = try received(CanonicalScope(signedInfo: signedInfo, shortWalks: shortWalks), method.digest)
        guard try verifier.verify(signature: value, digest: hash) else {
            throw SignatureError(.signatureInvalid, "the SignatureValue does not verify with the signer's certificate")
        }
    }

    /// The digest of received data under C14N. What libxml2's C14N refuses in a received document
    /// (a relative namespace URI, for one) is the sender's problem, not the gateway's: the
    /// signature cannot be processed, the code xmlsec gives the same document.
    private static func received(_ scope: CanonicalScope, _ digest: OpaquePointer) throws(SignatureError) -> [UInt8] {
        do {
            return try scope.digest(with: digest)
        } catch where error.code == .internalFailure && error.message.hasPrefix("canonicalisation failed") {
            throw SignatureError(.signatureInvalid, "the signature cannot be processed: \(error.message)")
        }
    }
}

import SWGateDomain
internal import CXMLSec
import SWGateXML

/// Fills a signature template written by ``SignatureTemplate`` (DigestValues, SignatureValue,
/// X509Certificate) with libxml2 C14N and OpenSSL, for exactly the profiles SWGate signs.
enum NativeSigner {
    /// Signs `signature` (a template in its document) with `identity`. References are resolved
    /// as the templates write them: `""` (the document, enveloped) or `#id` registered in the
    /// document's ID table.
    static func sign(_ signature: NodePointer, with identity: SigningIdentity) throws(SignatureError) {
        let ds = Namespace.xmldsig
        guard let signedInfo = signature.onlyChild("SignedInfo", ds), let signatureValue = signature.onlyChild("SignatureValue", ds),
              let methodURI = signedInfo.onlyChild("SignatureMethod", ds)?.attribute("Algorithm"),
              let method = Algorithm.signatureDigest(forSignatureMethod: methodURI)
        else { throw SignatureError(.internalFailure, "the signature template lacks SignedInfo, SignatureValue or a known SignatureMethod") }
        ERR_clear_error()
        let shortWalks = AbsoluteNamespaces.holdFor(signature.document)
        for reference in signedInfo.children("Reference", ds) {
            let uri = reference.attribute("URI") ?? ""
            var element: NodePointer?
            if !uri.isEmpty {
                guard uri.hasPrefix("#"), let resolved = DocumentIds.resolve(String(uri.dropFirst()), in: signature.document) else {
                    throw SignatureError(.internalFailure, "reference \(uri) of the template does not resolve")
                }
                element = resolved
            }
            guard let digestURI = reference.onlyChild("DigestMethod", ds)?.attribute("Algorithm"),
                  let digest = Algorithm.messageDigest(forDigestMethod: digestURI),
                  let digestValue = reference.onlyChild("DigestValue", ds)
            else { throw SignatureError(.internalFailure, "reference \(uri) of the template lacks DigestMethod or DigestValue") }
            let value = try CanonicalScope(reference: reference, of: signature, element: element, shortWalks: shortWalks).digest(with: digest)
            digestValue.setText(Base64.encode(value))
        }
        fillX509Data(of: signature, with: identity)
        let value = try signatureValueBytes(of: CanonicalScope(signedInfo: signedInfo, shortWalks: shortWalks), digest: method.digest,
                                            ecdsa: method.isECDSA, identity: identity)
        signatureValue.setText(Base64.encode(value))
    }

    /// The SignatureValue over the canonical SignedInfo: PKCS#1 v1.5 for RSA, r‖s for ECDSA.
    /// SignedInfo is hashed here and the hash signed with the identity's prepared context
    /// (what `EVP_DigestSign` does, without setting up a signing context per signature).
    private static func signatureValueBytes(of signedInfo: CanonicalScope, digest: OpaquePointer, ecdsa: Bool,
                                            identity: SigningIdentity) throws(SignatureError) -> [UInt8] {
        try signatureValue(ofHash: signedInfo.digest(with: digest), digest: digest, ecdsa: ecdsa, identity: identity)
    }

    /// The SignatureValue for `hash`, the digest of a canonical SignedInfo made with `digest`.
    static func signatureValue(ofHash hash: [UInt8], digest: OpaquePointer, ecdsa: Bool,
                               identity: SigningIdentity) throws(SignatureError) -> [UInt8] {
        let value = try identity.signer(for: digest).sign(digest: hash)
        guard ecdsa else { return value }
        let half = (Int(EVP_PKEY_get_bits(identity.privateKey)) + 7) / 8
        var raw = [UInt8](repeating: 0, count: 2 * half)
        guard swg_ecdsaDerToRaw(value, value.count, &raw, Int32(half)) == 0 else {
            throw SignatureError(.internalFailure, "cannot convert the ECDSA signature to r‖s: \(XMLSecLibrary.drainOpenSSLErrors().joined(separator: "; "))")
        }
        return raw
    }

    /// Writes the identity's certificates into `KeyInfo/X509Data`, one `X509Certificate` each,
    /// in place of the template's empty one (as xmlsec does at sign time).
    private static func fillX509Data(of signature: NodePointer, with identity: SigningIdentity) {
        let ds = Namespace.xmldsig
        guard let data = signature.onlyChild("KeyInfo", ds)?.onlyChild("X509Data", ds) else { return }
        let empty = data.children("X509Certificate", ds).filter(\.hasNoChildren)
        guard !empty.isEmpty else { return }
        for node in empty { node.unlinkAndFree() }
        for certificate in identity.keyCertificatesBase64 {
            data.appendTextElement("X509Certificate", certificate)
        }
    }
}

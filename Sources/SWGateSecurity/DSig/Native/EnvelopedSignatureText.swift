import SWGateDomain
internal import CXMLSec

/// An enveloped signature over a whole document, made without a template in the tree: the
/// document's exclusive canonical form is digested, the canonical SignedInfo is written as text
/// around the DigestValue and signed, and the `ds:Signature` element is returned as the text that
/// ``EnvelopedSplice`` writes in front of the root's end tag.
///
/// The texts are what libxml2 gives for the template ``SignatureTemplate`` builds and
/// ``NativeSigner`` fills — its exclusive C14N of SignedInfo, its serialisation of the filled
/// Signature — so both ways produce the same bytes (tested, RSA being deterministic).
enum EnvelopedSignatureText {
    /// The serialised `ds:Signature` for `document` (which holds no signature) by `identity`.
    static func signature(of document: DocPointer, by identity: SigningIdentity) throws(SignatureError) -> [UInt8] {
        let ecdsa = identity.certificate.isECKey
        let method = ecdsa ? Algorithm.ecdsaSHA256 : Algorithm.rsaSHA256
        let sha256 = FetchedDigest.sha256.md
        let scope = CanonicalScope(document: document, shortWalks: AbsoluteNamespaces.holdFor(document))
        let digestValue = Base64.encode(try scope.digest(with: sha256))
        let signedInfo = Array(Self.signedInfo(method: method, digestValue: digestValue, canonical: true).utf8)
        var hash = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_Digest(signedInfo, signedInfo.count, &hash, &length, sha256, nil) == 1 else {
            throw SignatureError(.internalFailure, "cannot digest SignedInfo: \(XMLSecLibrary.drainOpenSSLErrors().joined(separator: "; "))")
        }
        let value = try NativeSigner.signatureValue(ofHash: Array(hash.prefix(Int(length))), digest: sha256, ecdsa: ecdsa, identity: identity)
        var text = "<ds:Signature xmlns:ds=\"\(Namespace.xmldsig)\">\n"
        text += Self.signedInfo(method: method, digestValue: digestValue, canonical: false) + "\n"
        text += "<ds:SignatureValue>\(Base64.encode(value))</ds:SignatureValue>\n"
        text += "<ds:KeyInfo>\n<ds:X509Data>\n\n"
        for certificate in identity.keyCertificatesBase64 {
            text += "<ds:X509Certificate>\(certificate)</ds:X509Certificate>"
        }
        text += "</ds:X509Data>\n</ds:KeyInfo>\n</ds:Signature>"
        return Array(text.utf8)
    }

    /// SignedInfo as libxml2 serialises the template (`canonical` false: empty elements as `<x/>`,
    /// `ds` declared on the enclosing Signature), or its exclusive C14N (`ds` declared on it, being
    /// visibly used and rendered by no output ancestor; empty elements with end tags).
    private static func signedInfo(method: String, digestValue: String, canonical: Bool) -> String {
        func empty(_ name: String, _ algorithm: String) -> String {
            canonical ? "<ds:\(name) Algorithm=\"\(algorithm)\"></ds:\(name)>\n" : "<ds:\(name) Algorithm=\"\(algorithm)\"/>\n"
        }
        var text = canonical ? "<ds:SignedInfo xmlns:ds=\"\(Namespace.xmldsig)\">\n" : "<ds:SignedInfo>\n"
        text += empty("CanonicalizationMethod", Algorithm.exclusiveC14N)
        text += empty("SignatureMethod", method)
        text += "<ds:Reference URI=\"\">\n<ds:Transforms>\n"
        text += empty("Transform", Algorithm.envelopedSignature)
        text += empty("Transform", Algorithm.exclusiveC14N)
        text += "</ds:Transforms>\n"
        text += empty("DigestMethod", Algorithm.sha256)
        text += "<ds:DigestValue>\(digestValue)</ds:DigestValue>\n</ds:Reference>\n</ds:SignedInfo>"
        return text
    }
}

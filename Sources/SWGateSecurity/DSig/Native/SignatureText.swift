internal import CXMLSec
import SWGateDomain
import SWGateXML

/// A `ds:Signature` written as text, in exactly the layout that ``SignatureTemplate`` builds and
/// ``NativeSigner`` fills in (the line breaks xmlsec's template functions put between elements,
/// the certificates appended after the template's emptied `X509Data`): for messages the gateway
/// writes itself, the signature is computed over canonical text and inserted as text, without a
/// parse of the message or a walk of its tree.
///
/// Every piece is written in one of two forms: `canonical` (exclusive C14N: empty elements with an
/// end tag) for digests, or as ``XMLDocument/serialized()`` writes it (empty elements closed with
/// `/>`) for the bytes sent. Attribute values are written with C14N's escaping in both forms, which
/// is also well-formed XML.
struct SignatureText {
    /// One `ds:Reference`: its URI, whether it has the enveloped-signature transform, its digest.
    struct Reference {
        var uri: String
        var enveloped: Bool
        var digest: [UInt8]
    }

    /// The `ds:KeyInfo` content.
    enum KeyInfo {
        /// `ds:X509Data` with one `ds:X509Certificate` per certificate (base64, as the identity holds them).
        case x509Data([String])
        /// `wsse:SecurityTokenReference/wsse:Reference URI="#tokenId"` (WS-Security X.509 token profile).
        case securityTokenReference(tokenId: String)
    }

    let signatureMethod: String
    let references: [Reference]

    /// The signature method for `identity`'s key, as ``SignatureTemplate`` chooses it.
    init(for identity: SigningIdentity, references: [Reference]) {
        signatureMethod = identity.certificate.isECKey ? Algorithm.ecdsaSHA256 : Algorithm.rsaSHA256
        self.references = references
    }

    /// The canonical `ds:SignedInfo` on its own (exclusive C14N of the SignedInfo element: it
    /// declares the `ds` prefix itself), the octets that are hashed and signed.
    var canonicalSignedInfo: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512 + 400 * references.count)
        writeSignedInfo(to: &out, canonical: true, declaringPrefix: true)
        return out
    }

    /// The whole `ds:Signature` with `signatureValue` (base64) and `keyInfo`, declaring the `ds`
    /// prefix: canonical as it is rendered inside a document that does not use `ds` above it, or
    /// as it is serialised.
    func write(signatureValue: String, keyInfo: KeyInfo, to out: inout [UInt8], canonical: Bool) {
        out += #"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">"#.utf8
        out.append(0x0A)
        writeSignedInfo(to: &out, canonical: canonical, declaringPrefix: false)
        out += "\n<ds:SignatureValue>".utf8
        out += signatureValue.utf8
        out += "</ds:SignatureValue>\n<ds:KeyInfo>".utf8
        switch keyInfo {
        case .x509Data(let certificates):
            out += "\n<ds:X509Data>\n\n".utf8
            for certificate in certificates {
                out += "<ds:X509Certificate>".utf8
                out += certificate.utf8
                out += "</ds:X509Certificate>".utf8
            }
            out += "</ds:X509Data>\n".utf8
        case .securityTokenReference(let tokenId):
            out += #"<wsse:SecurityTokenReference xmlns:wsse=""#.utf8
            out += Namespace.wsse.utf8
            out += ##""><wsse:Reference URI="#"##.utf8
            Self.appendAttributeValue(tokenId, to: &out)
            out += #"" ValueType=""#.utf8
            out += WSSecurity.x509v3.utf8
            out += canonical ? #""></wsse:Reference></wsse:SecurityTokenReference>"#.utf8 : #""/></wsse:SecurityTokenReference>"#.utf8
        }
        out += "</ds:KeyInfo>\n</ds:Signature>".utf8
    }

    private func writeSignedInfo(to out: inout [UInt8], canonical: Bool, declaringPrefix: Bool) {
        func method(_ start: StaticString, _ algorithm: String, _ end: StaticString) {
            Self.append(start, to: &out)
            out += algorithm.utf8
            if canonical { Self.append(end, to: &out) } else { Self.append("\"/>\n", to: &out) }
        }
        if declaringPrefix {
            Self.append("<ds:SignedInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">\n", to: &out)
        } else {
            Self.append("<ds:SignedInfo>\n", to: &out)
        }
        method(#"<ds:CanonicalizationMethod Algorithm=""#, Algorithm.exclusiveC14N, "\"></ds:CanonicalizationMethod>\n")
        method(#"<ds:SignatureMethod Algorithm=""#, signatureMethod, "\"></ds:SignatureMethod>\n")
        for reference in references {
            Self.append(#"<ds:Reference URI=""#, to: &out)
            Self.appendAttributeValue(reference.uri, to: &out)
            Self.append("\">\n<ds:Transforms>\n", to: &out)
            if reference.enveloped { method(#"<ds:Transform Algorithm=""#, Algorithm.envelopedSignature, "\"></ds:Transform>\n") }
            method(#"<ds:Transform Algorithm=""#, Algorithm.exclusiveC14N, "\"></ds:Transform>\n")
            Self.append("</ds:Transforms>\n", to: &out)
            method(#"<ds:DigestMethod Algorithm=""#, Algorithm.sha256, "\"></ds:DigestMethod>\n")
            Self.append("<ds:DigestValue>", to: &out)
            out += Base64.encode(reference.digest).utf8
            Self.append("</ds:DigestValue>\n</ds:Reference>\n", to: &out)
        }
        Self.append("</ds:SignedInfo>", to: &out)
    }

    private static func append(_ text: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// The SignatureValue (base64) of the canonical SignedInfo, made with `identity`.
    func signatureValue(with identity: SigningIdentity) throws(SignatureError) -> String {
        let digest = FetchedDigest.sha256.md
        let hash = try DigestStream.digest(canonicalSignedInfo, with: digest)
        let value = try NativeSigner.signatureValue(ofHash: hash, digest: digest, ecdsa: signatureMethod == Algorithm.ecdsaSHA256, identity: identity)
        return Base64.encode(value)
    }

    /// Whether the UTF-8 `text` holds only characters XML 1.0 allows (no control character but TAB,
    /// LF and CR, no U+FFFE or U+FFFF), so that it can be written into a message as it is.
    static func isCharacterData(_ text: [UInt8]) -> Bool {
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte < 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D { return false }
            if byte == 0xEF, index + 2 < text.count, text[index + 1] == 0xBF, text[index + 2] == 0xBE || text[index + 2] == 0xBF { return false }
            index += 1
        }
        return true
    }

    /// `value` as an attribute value with exclusive C14N's escaping (`&`, `<`, `"`, TAB, LF, CR).
    static func appendAttributeValue(_ value: String, to out: inout [UInt8]) {
        CanonicalEscaping.append(value, attribute: true, to: &out)
    }
}

/// A digest computed over octets fed in pieces (OpenSSL's `EVP_Digest*`).
///
/// Not `Sendable`: a digest belongs to the call that created it.
final class DigestStream {
    private let context: MessageDigestContext

    init(_ digest: OpaquePointer) throws(SignatureError) {
        context = try MessageDigestContext()
        guard EVP_DigestInit_ex(context.context, digest, nil) == 1 else {
            throw SignatureError(.internalFailure, "cannot start a digest: \(XMLSecLibrary.drainOpenSSLErrors().joined(separator: "; "))")
        }
    }

    func update(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        _ = EVP_DigestUpdate(context.context, base, bytes.count)
    }

    func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { update($0) }
    }

    func update(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBufferPointer { update($0) }
    }

    func update(_ text: String) {
        var text = text
        text.withUTF8 { update($0) }
    }

    func finish() throws(SignatureError) -> [UInt8] {
        var value = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context.context, &value, &length) == 1 else {
            throw SignatureError(.internalFailure, "cannot finish a digest: \(XMLSecLibrary.drainOpenSSLErrors().joined(separator: "; "))")
        }
        return Array(value.prefix(Int(length)))
    }

    /// The digest of `bytes` with `digest`.
    static func digest(_ bytes: [UInt8], with digest: OpaquePointer) throws(SignatureError) -> [UInt8] {
        let stream = try DigestStream(digest)
        stream.update(bytes)
        return try stream.finish()
    }
}

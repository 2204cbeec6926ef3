import SWGateDomain
import SWGateXML
internal import CXMLSec

/// The octets a reference or SignedInfo stands for: a part of a document under C14N, fed into an
/// OpenSSL digest or signature. Exclusive C14N without a prefix list is written by
/// ``ExclusiveCanonicalizer`` (the same octets, several times faster); everything else streams
/// from libxml2's `xmlC14NExecute` (no buffer).
///
/// Visibility is a constant-depth subtree test in C (`swg_c14nVisible`): the nodes inside
/// `include` (the whole document when `nil`) and not inside `exclude`.
struct CanonicalScope {
    let document: DocPointer
    let include: NodePointer?
    let exclude: NodePointer?
    /// Exclusive C14N 1.0 when true; inclusive C14N 1.0 (a reference without a C14N transform).
    let exclusive: Bool
    let prefixes: InclusivePrefixes?
    /// Whether the shortened walks may be taken (``AbsoluteNamespaces/holdFor(_:)`` of the document,
    /// computed once per signature by the caller); otherwise libxml2's full walk.
    let shortWalks: Bool

    /// What a `ds:Reference` (of `signature`) covers: `URI=""` is the whole document, minus
    /// `signature` with the enveloped-signature transform; `URI="#id"` is `element`.
    /// Transforms are those the policy allows: `[enveloped]? + [exc-c14n]?`.
    init(reference: NodePointer, of signature: NodePointer, element: NodePointer?, shortWalks: Bool) {
        var enveloped = false
        var exclusiveMethod: NodePointer?
        if let transforms = reference.onlyChild("Transforms", Namespace.xmldsig) {
            for transform in transforms.children("Transform", Namespace.xmldsig) {
                switch transform.attribute("Algorithm") {
                case Algorithm.envelopedSignature: enveloped = true
                case Algorithm.exclusiveC14N: exclusiveMethod = transform
                default: break
                }
            }
        }
        document = signature.document
        include = element
        exclude = enveloped ? signature : nil
        exclusive = exclusiveMethod != nil
        prefixes = exclusiveMethod.flatMap(InclusivePrefixes.init(of:))
        self.shortWalks = shortWalks
    }

    /// The whole of `document` under exclusive C14N (a document about to be signed, enveloped).
    init(document: DocPointer, shortWalks: Bool) {
        self.document = document
        include = nil
        exclude = nil
        exclusive = true
        prefixes = nil
        self.shortWalks = shortWalks
    }

    /// `ds:SignedInfo` under its CanonicalizationMethod (exclusive C14N, optional PrefixList).
    init(signedInfo: NodePointer, shortWalks: Bool) {
        document = signedInfo.document
        include = signedInfo
        exclude = nil
        exclusive = true
        prefixes = signedInfo.onlyChild("CanonicalizationMethod", Namespace.xmldsig).flatMap(InclusivePrefixes.init(of:))
        self.shortWalks = shortWalks
    }

    /// Feeds the canonical octets to `context`, already initialised for a digest
    /// (`SWG_FEED_DIGEST`), a signature (`SWG_FEED_SIGN`) or a verification (`SWG_FEED_VERIFY`).
    func feed(_ context: MessageDigestContext, as kind: Int) throws(SignatureError) {
        var sink = swg_c14n_sink(context: context.context, kind: Int32(kind))
        let written = withUnsafeMutablePointer(to: &sink) { sink in
            Canonicalization.write(
                document: document, include: include, exclude: exclude, exclusive: exclusive, prefixes: prefixes, shortWalks: shortWalks,
                to: swg_c14nSinkWrite, context: UnsafeMutableRawPointer(sink))
        }
        guard written else {
            let detail = XMLSecLibrary.drainOpenSSLErrors().joined(separator: "; ")
            throw SignatureError(.internalFailure, "canonicalisation failed\(detail.isEmpty ? "" : ": " + detail)")
        }
    }

    /// The digest of the canonical octets with `digest` (an `EVP_MD`).
    func digest(with digest: OpaquePointer) throws(SignatureError) -> [UInt8] {
        let context = try MessageDigestContext()
        guard EVP_DigestInit_ex(context.context, digest, nil) == 1 else {
            throw SignatureError(.internalFailure, "cannot start a digest: \(XMLSecLibrary.drainOpenSSLErrors().joined(separator: "; "))")
        }
        try feed(context, as: SWG_FEED_DIGEST)
        var value = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context.context, &value, &length) == 1 else {
            throw SignatureError(.internalFailure, "cannot finish a digest: \(XMLSecLibrary.drainOpenSSLErrors().joined(separator: "; "))")
        }
        return Array(value.prefix(Int(length)))
    }
}

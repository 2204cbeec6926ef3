import SWGateDomain
internal import CLibXML2
internal import CXMLSec

/// The octets a reference or SignedInfo stands for: a part of a document under C14N, fed
/// straight from libxml2's `xmlC14NExecute` into an OpenSSL digest or signature (no buffer).
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

    /// What a `ds:Reference` (of `signature`) covers: `URI=""` is the whole document, minus
    /// `signature` with the enveloped-signature transform; `URI="#id"` is `element`.
    /// Transforms are those the policy allows: `[enveloped]? + [exc-c14n]?`.
    init(reference: NodePointer, of signature: NodePointer, element: NodePointer?) {
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
        document = signature.pointee.doc
        include = element
        exclude = enveloped ? signature : nil
        exclusive = exclusiveMethod != nil
        prefixes = exclusiveMethod.flatMap { InclusivePrefixes(of: $0) }
    }

    /// `ds:SignedInfo` under its CanonicalizationMethod (exclusive C14N, optional PrefixList).
    init(signedInfo: NodePointer) {
        document = signedInfo.pointee.doc
        include = signedInfo
        exclude = nil
        exclusive = true
        prefixes = signedInfo.onlyChild("CanonicalizationMethod", Namespace.xmldsig).flatMap { InclusivePrefixes(of: $0) }
    }

    /// Feeds the canonical octets to `context`, already initialised for a digest
    /// (`SWG_FEED_DIGEST`), a signature (`SWG_FEED_SIGN`) or a verification (`SWG_FEED_VERIFY`).
    func feed(_ context: MessageDigestContext, as kind: Int) throws(SignatureError) {
        var scope = swg_c14n_scope(include: include, exclude: exclude)
        var sink = swg_c14n_sink(context: context.context, kind: Int32(kind))
        let mode = exclusive ? swg_c14nExclusive() : swg_c14nInclusive()
        let result = withUnsafePointer(to: &scope) { scope in
            withUnsafePointer(to: &sink) { sink in
                swg_c14nFeed(document, scope, mode, prefixes?.list, sink)
            }
        }
        guard result == 0 else {
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

import SWGateDomain
internal import CLibXML2
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
        document = signature.pointee.doc
        include = element
        exclude = enveloped ? signature : nil
        exclusive = exclusiveMethod != nil
        prefixes = exclusiveMethod.flatMap { InclusivePrefixes(of: $0) }
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
        document = signedInfo.pointee.doc
        include = signedInfo
        exclude = nil
        exclusive = true
        prefixes = signedInfo.onlyChild("CanonicalizationMethod", Namespace.xmldsig).flatMap { InclusivePrefixes(of: $0) }
        self.shortWalks = shortWalks
    }

    /// Feeds the canonical octets to `context`, already initialised for a digest
    /// (`SWG_FEED_DIGEST`), a signature (`SWG_FEED_SIGN`) or a verification (`SWG_FEED_VERIFY`).
    func feed(_ context: MessageDigestContext, as kind: Int) throws(SignatureError) {
        var sink = swg_c14n_sink(context: context.context, kind: Int32(kind))
        let mode = exclusive ? swg_c14nExclusive() : swg_c14nInclusive()
        let result: Int32
        if shortWalks, exclusive, prefixes == nil,
           let written = ExclusiveCanonicalizer.withCanonicalOctets(document: document, include: include, exclude: exclude, { octets in
               // The common case, without libxml2's walk: same octets (see ExclusiveCanonicalizer).
               guard let start = octets.baseAddress else { return Int32(0) }
               let text = UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self)
               return withUnsafePointer(to: &sink) { sink in
                   swg_c14nSinkWrite(UnsafeMutableRawPointer(mutating: sink), text, Int32(octets.count)) >= 0 ? 0 : -1
               }
           }) {
            result = written
        } else if !shortWalks {
            // Keep libxml2's own full walk, which refuses relative namespace URIs on any element.
            var scope = swg_c14n_scope(include: include, exclude: exclude)
            result = withUnsafePointer(to: &scope) { scope in
                withUnsafePointer(to: &sink) { sink in
                    swg_c14nFeed(document, scope, mode, prefixes?.list, sink)
                }
            }
        } else if let include {
            // libxml2 walks from the document's first child and asks the callback about every node
            // of the document, though only the subtree `include` is visible. It is handed a shallow
            // copy of the document whose child list starts at `include` instead: the walk then covers
            // the subtree and its following siblings (invisible, as before), nothing else. Nodes before
            // and above `include` are invisible and render nothing, so the output is the same; the
            // nodes' own `doc` and `parent` links (namespace and xml:* inheritance) are untouched.
            var scope = swg_c14n_scope(include: include, exclude: exclude)
            var view = document.pointee
            view.children = include
            result = withUnsafeMutablePointer(to: &view) { view in
                withUnsafePointer(to: &scope) { scope in
                    withUnsafePointer(to: &sink) { sink in
                        swg_c14nFeed(view, scope, mode, prefixes?.list, sink)
                    }
                }
            }
        } else {
            result = withUnsafeMutablePointer(to: &sink) { sink in feedWholeDocument(mode: mode, sink: sink) }
        }
        guard result == 0 else {
            let detail = XMLSecLibrary.drainOpenSSLErrors().joined(separator: "; ")
            throw SignatureError(.internalFailure, "canonicalisation failed\(detail.isEmpty ? "" : ": " + detail)")
        }
    }

    /// The whole document minus `exclude`, without a visibility callback: libxml2 then renders
    /// every node without asking, which saves a callback (and an ancestor walk) per element,
    /// attribute and namespace node. The excluded subtree (the enveloped ds:Signature) is
    /// unlinked for the walk and put back in the same place afterwards; exclusive and inclusive
    /// C14N output for the rest of the document is the same as with the callback hiding it
    /// (the rendered ancestors, their namespaces and the sibling text nodes do not change).
    private func feedWholeDocument(mode: Int32, sink: UnsafeMutablePointer<swg_c14n_sink>) -> Int32 {
        let detached = exclude.map(DetachedSubtree.init)
        defer { detached?.restore() }
        guard let output = xmlOutputBufferCreateIO(swg_c14nSinkWrite, nil, sink, nil) else { return -1 }
        let written = xmlC14NExecute(document, nil, nil, mode, prefixes?.list, 0, output)
        let closed = xmlOutputBufferClose(output)
        return written < 0 || closed < 0 ? -1 : 0
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

/// A node unlinked from its parent for the duration of a canonicalisation, then linked back
/// before its former next sibling (or as the last child).
private struct DetachedSubtree {
    let node: NodePointer
    let parent: NodePointer?
    let next: NodePointer?

    init(_ node: NodePointer) {
        self.node = node
        parent = node.pointee.parent
        next = node.pointee.next
        xmlUnlinkNode(node)
    }

    func restore() {
        if let next {
            xmlAddPrevSibling(next, node)
        } else if let parent {
            xmlAddChild(parent, node)
        }
    }
}

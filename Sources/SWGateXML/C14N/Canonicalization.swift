package import CLibXML2

/// The octets a signature reference or SignedInfo stands for: a part of a document under C14N,
/// written to a C writer (the signature module's digest or signature sink) without an
/// intermediate buffer. Exclusive C14N without a prefix list is written by
/// ``ExclusiveCanonicalizer`` (the same octets, several times faster); everything else streams
/// from libxml2's `xmlC14NExecute`.
package enum Canonicalization {
    /// Receives canonical octets: returns the length written, or -1 to stop with an error.
    package typealias Writer = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, Int32) -> Int32

    /// Writes the canonical form of `include` (the whole document when nil) minus `exclude` to
    /// `writer`. `exclusive`: exclusive C14N 1.0, else inclusive C14N 1.0; `prefixes`: the
    /// InclusiveNamespaces PrefixList. `shortWalks` (``AbsoluteNamespaces/holdFor(_:)`` of the
    /// document): the shortened walks may be taken; otherwise libxml2's full walk, which refuses
    /// relative namespace URIs anywhere in the document. False when canonicalisation fails.
    package static func write(
        document: DocPointer, include: NodePointer?, exclude: NodePointer?, exclusive: Bool, prefixes: InclusivePrefixes?,
        shortWalks: Bool, to writer: Writer, context: UnsafeMutableRawPointer
    ) -> Bool {
        let mode = exclusive ? swg_c14nExclusive() : swg_c14nInclusive()
        let result: Int32
        if shortWalks, exclusive, prefixes == nil,
            let written = ExclusiveCanonicalizer.withCanonicalOctets(
                document: document, include: include, exclude: exclude,
                { octets in
                    // The common case, without libxml2's walk: the same octets (see ExclusiveCanonicalizer).
                    guard let start = octets.baseAddress else { return Int32(0) }
                    let text = UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self)
                    return writer(context, text, Int32(octets.count)) >= 0 ? 0 : -1
                })
        {
            result = written
        } else if !shortWalks {
            // Keep libxml2's own full walk, which refuses relative namespace URIs on any element.
            var scope = swg_c14n_scope(include: include, exclude: exclude)
            result = swg_c14nWrite(document, &scope, mode, prefixes?.list, writer, context)
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
                swg_c14nWrite(view, &scope, mode, prefixes?.list, writer, context)
            }
        } else {
            // The whole document minus `exclude`, without a visibility callback: libxml2 then
            // renders every node without asking, which saves a callback (and an ancestor walk) per
            // element, attribute and namespace node. The excluded subtree (the enveloped
            // ds:Signature) is unlinked for the walk and put back in the same place afterwards;
            // the output for the rest of the document is the same as with the callback hiding it.
            let detached = exclude.map(DetachedSubtree.init)
            defer { detached?.restore() }
            result = swg_c14nWrite(document, nil, mode, prefixes?.list, writer, context)
        }
        return result == 0
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

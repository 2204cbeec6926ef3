import CLibXML2

/// A business document to be embedded, as its own text, in a message the gateway writes and signs
/// as text (SWGateSecurity's `SignatureText`): parsed once on its own for its exclusive canonical
/// form, which is what every digest over the message sees of it.
///
/// Exclusive C14N renders a subtree the same wherever it stands, but for the namespace bindings
/// that enclosing elements already rendered: an element of the document that visibly uses one of
/// those (the same prefix bound to the same URI) would not declare it inside the message, and an
/// element in no namespace would get an `xmlns=""` there. So the document is only taken when none
/// of its elements does either (`enclosing`: the bindings the enclosing elements render in the
/// canonical forms the signer hashes; an empty prefix for the default namespace). Everything the
/// tree-based signing path would treat differently is refused here too (`nil`), and the caller then
/// signs through the tree, which behaves as before: a parse error, a DTD or any node but the root
/// element at document level, an encoding other than UTF-8, a comment or processing instruction
/// (the tree path removes them before signing), a namespace URI that is not plainly absolute
/// (``AbsoluteNamespaces``), an Id value used twice or one that the enclosing message uses
/// (`reservedIds`), and anything ``ExclusiveCanonicalizer`` leaves to libxml2.
package struct EmbeddedDocument {
    /// The exclusive canonical form of its root element.
    package let canonical: [UInt8]

    /// A namespace binding rendered by an element enclosing the document.
    package struct Binding {
        package var prefix: String
        package var href: String

        package init(prefix: String, href: String) {
            self.prefix = prefix
            self.href = href
        }
    }

    package init?(_ bytes: [UInt8], reservedIds: Set<String>, enclosing: [Binding]) {
        guard let document = try? XMLDocument(bytes: bytes) else { return nil }
        let canonical: [UInt8]? = document.withRootNode { root in
            guard Self.isEmbeddable(root, reservedIds: reservedIds, enclosing: enclosing) else { return nil }
            return ExclusiveCanonicalizer.canonicalize(document: root.document, include: root, exclude: nil)
        }
        guard let canonical else { return nil }
        self.canonical = canonical
    }

    private static func isEmbeddable(_ root: NodePointer, reservedIds: Set<String>, enclosing: [Binding]) -> Bool {
        let document = root.document
        if let encoding = document.pointee.encoding, String(cString: encoding).uppercased() != "UTF-8" { return false }
        guard document.pointee.intSubset == nil, document.pointee.extSubset == nil else { return false }
        var sibling = document.pointee.children
        while let node = sibling {
            guard node == root else { return false }
            sibling = node.pointee.next
        }
        guard AbsoluteNamespaces.holdFor(document) else { return false }
        var ids = reservedIds
        var element: NodePointer? = root
        let enclosingDefault = enclosing.contains { $0.prefix.isEmpty }
        while let current = element {
            if let ns = current.pointee.ns {
                if Self.isEnclosing(ns, enclosing) { return false }
            } else if enclosingDefault {
                return false
            }
            var attribute = current.pointee.properties
            while let node = attribute {
                if let ns = node.pointee.ns, Self.isEnclosing(ns, enclosing) { return false }
                attribute = node.pointee.next
            }
            if current.pointee.properties != nil {
                for value in current.idAttributeValues where !ids.insert(value).inserted { return false }
            }
            var child = current.pointee.children
            while let node = child {
                switch node.pointee.type {
                case XML_ELEMENT_NODE, XML_TEXT_NODE, XML_CDATA_SECTION_NODE: break
                default: return false
                }
                child = node.pointee.next
            }
            element = current.nextElement(within: root)
        }
        return true
    }

    /// Whether `ns` binds a prefix to the URI an enclosing element binds it to.
    private static func isEnclosing(_ ns: UnsafeMutablePointer<xmlNs>, _ enclosing: [Binding]) -> Bool {
        guard let href = ns.pointee.href else { return false }
        for binding in enclosing {
            let samePrefix = ns.pointee.prefix.map { cStringEquals($0, binding.prefix) } ?? binding.prefix.isEmpty
            if samePrefix && cStringEquals(href, binding.href) { return true }
        }
        return false
    }
}

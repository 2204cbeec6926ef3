import CLibXML2

/// A business document to be embedded, as its own text, in a message the gateway writes and signs
/// as text (SWGateSecurity's `SignatureText`): parsed once on its own for its exclusive canonical
/// form, which is what every digest over the message sees of it, and for the facts that decide
/// whether that holds inside a given message (``fits(reservedIds:enclosing:)``).
///
/// Exclusive C14N renders a subtree the same wherever it stands, but for the namespace bindings
/// that enclosing elements already rendered: an element of the document that visibly uses one of
/// those (the same prefix bound to the same URI) would not declare it inside the message, and an
/// element in no namespace would get an `xmlns=""` under an enclosing default namespace. Everything
/// the tree-based signing path would treat differently is refused too (`nil`, or `false` from
/// ``fits(reservedIds:enclosing:)``), and the caller then signs through the tree, which behaves as
/// before: a parse error, a DTD or any node but the root element at document level, an encoding
/// other than UTF-8, a comment or processing instruction (the tree path removes them before
/// signing), a namespace URI that is not plainly absolute (``AbsoluteNamespaces``), an Id value
/// used twice or one that the enclosing message uses, and anything ``ExclusiveCanonicalizer``
/// leaves to libxml2.
package struct EmbeddedDocument: Sendable {
    /// A namespace binding: rendered by an element enclosing the document, or visibly used in it.
    package struct Binding: Hashable, Sendable {
        package var prefix: String
        package var href: String

        package init(prefix: String, href: String) {
            self.prefix = prefix
            self.href = href
        }
    }

    /// The exclusive canonical form of its root element.
    package let canonical: [UInt8]
    /// The values of its Id-like attributes (all distinct).
    private let ids: Set<String>
    /// The bindings its elements and attributes visibly use (an empty prefix for the default namespace).
    private let bindings: Set<Binding>
    /// Whether one of its elements is in no namespace.
    private let usesNoNamespace: Bool

    /// `nil` when the document is not one the text path takes in any message (see the type).
    package init?(_ bytes: [UInt8]) {
        guard let document = try? XMLDocument(bytes: bytes) else { return nil }
        guard
            let facts = document.withRootNode({ root -> (canonical: [UInt8], ids: Set<String>, bindings: Set<Binding>, noNamespace: Bool)? in
                guard let facts = Self.facts(root) else { return nil }
                guard let canonical = ExclusiveCanonicalizer.canonicalize(document: root.document, include: root, exclude: nil) else { return nil }
                return (canonical, facts.ids, facts.bindings, facts.noNamespace)
            })
        else { return nil }
        canonical = facts.canonical
        ids = facts.ids
        bindings = facts.bindings
        usesNoNamespace = facts.noNamespace
    }

    /// Whether the canonical form holds inside a message whose own elements use `reservedIds` and
    /// whose elements enclosing the document render `enclosing`.
    package func fits(reservedIds: Set<String>, enclosing: [Binding]) -> Bool {
        guard ids.isDisjoint(with: reservedIds) else { return false }
        if usesNoNamespace && enclosing.contains(where: { $0.prefix.isEmpty }) { return false }
        return !enclosing.contains { bindings.contains($0) }
    }

    private static func facts(_ root: NodePointer) -> (ids: Set<String>, bindings: Set<Binding>, noNamespace: Bool)? {
        let document = root.document
        if let encoding = document.pointee.encoding, String(cString: encoding).uppercased() != "UTF-8" { return nil }
        guard document.pointee.intSubset == nil, document.pointee.extSubset == nil else { return nil }
        var sibling = document.pointee.children
        while let node = sibling {
            guard node == root else { return nil }
            sibling = node.pointee.next
        }
        guard AbsoluteNamespaces.holdFor(document) else { return nil }
        var ids: Set<String> = []
        var used: Set<UnsafeMutablePointer<xmlNs>> = []
        var noNamespace = false
        var element: NodePointer? = root
        while let current = element {
            if let ns = current.pointee.ns { used.insert(ns) } else { noNamespace = true }
            var attribute = current.pointee.properties
            while let node = attribute {
                if let ns = node.pointee.ns { used.insert(ns) }
                attribute = node.pointee.next
            }
            if current.pointee.properties != nil {
                for value in current.idAttributeValues where !ids.insert(value).inserted { return nil }
            }
            var child = current.pointee.children
            while let node = child {
                switch node.pointee.type {
                case XML_ELEMENT_NODE, XML_TEXT_NODE, XML_CDATA_SECTION_NODE: break
                default: return nil
                }
                child = node.pointee.next
            }
            element = current.nextElement(within: root)
        }
        let bindings = Set(
            used.map { ns in
                Binding(prefix: ns.pointee.prefix.map { String(cString: $0) } ?? "", href: ns.pointee.href.map { String(cString: $0) } ?? "")
            })
        return (ids, bindings, noNamespace)
    }
}

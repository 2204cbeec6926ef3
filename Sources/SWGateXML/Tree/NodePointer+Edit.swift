package import CLibXML2

/// The tree edits the signature module makes (signature templates, filled values, the NSW
/// SystemSignature holder): libxml2 is called here, not there.
extension UnsafeMutablePointer where Pointee == xmlNode {
    /// Whether the node has no children at all (an empty template element).
    package var hasNoChildren: Bool { pointee.children == nil }

    /// Whether the element declares namespaces itself.
    package var hasNamespaceDeclarations: Bool { pointee.nsDef != nil }

    /// Appends `child` (unlinked, of the same document) as the last child; false when libxml2 refuses.
    package func append(_ child: NodePointer) -> Bool {
        xmlAddChild(self, child) != nil
    }

    /// Appends a new element `name` in this element's namespace.
    package func appendElement(_ name: String) -> NodePointer? {
        xmlNewChild(self, pointee.ns, name, nil)
    }

    /// Appends a new element `prefix:name` that declares and uses namespace `href`.
    package func appendElement(_ name: String, declaring href: String, prefix: String) -> NodePointer? {
        guard let ns = xmlNewNs(nil, href, prefix) else { return nil }
        guard let element = xmlNewChild(self, nil, name, nil) else {
            xmlFreeNs(ns)
            return nil
        }
        element.pointee.nsDef = ns
        xmlSetNs(element, ns)
        return element
    }

    /// Appends a new element `name` in the namespace of this element's own namespace (as used by
    /// `parent`'s prefix), e.g. `wsse:Reference` inside `wsse:SecurityTokenReference`.
    package func appendElementInOwnNamespace(_ name: String) -> NodePointer? {
        xmlNewChild(self, pointee.ns, name, nil)
    }

    /// Appends a new element `name` in this element's namespace holding `text` (escaped).
    package func appendTextElement(_ name: String, _ text: String) {
        xmlNewTextChild(self, pointee.ns, name, text)
    }

    /// Sets attribute `name` (no namespace) to `value`.
    package func setAttribute(_ name: String, _ value: String) {
        xmlSetProp(self, name, value)
    }

    /// Replaces the element's content with the text `text`.
    package func setText(_ text: String) {
        xmlNodeSetContent(self, text)
    }

    /// Unlinks the node from its tree and frees it.
    package func unlinkAndFree() {
        xmlUnlinkNode(self)
        xmlFreeNode(self)
    }

    /// Frees a node that is in no tree (for example a template that could not be inserted).
    package func free() {
        xmlFreeNode(self)
    }
}

extension UnsafeMutablePointer where Pointee == xmlDoc {
    /// The document element.
    package var rootElement: NodePointer? { xmlDocGetRootElement(self) }
}

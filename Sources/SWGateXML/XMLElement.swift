internal import CLibXML2

/// A read-only view of one element of an ``XMLDocument``. It keeps its document alive.
public struct XMLElement {
    /// The document this element belongs to.
    public let document: XMLDocument
    let node: UnsafeMutablePointer<xmlNode>

    init(document: XMLDocument, node: UnsafeMutablePointer<xmlNode>) {
        self.document = document
        self.node = node
    }

    /// The local name, without prefix.
    public var localName: String { String(cString: node.pointee.name) }

    /// The namespace URI, or `nil` for an element in no namespace.
    public var namespaceURI: String? {
        node.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) }
    }

    /// The prefix as written in the document, if any.
    public var prefix: String? {
        node.pointee.ns.flatMap { $0.pointee.prefix }.map { String(cString: $0) }
    }

    /// `prefix:localName`, or `localName`, as written.
    public var qualifiedName: String {
        if let prefix { return prefix + ":" + localName }
        return localName
    }

    /// Whether this element is `localName` in `namespaceURI` (`nil`: in no namespace).
    public func isNamed(_ localName: String, namespace namespaceURI: String?) -> Bool {
        guard xmlStrEqual(node.pointee.name, localName) != 0 else { return false }
        switch (node.pointee.ns?.pointee.href, namespaceURI) {
        case (nil, nil): return true
        case let (href?, uri?): return xmlStrEqual(href, uri) != 0
        default: return false
        }
    }

    /// Child elements, in document order.
    public var children: [XMLElement] {
        var result: [XMLElement] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                result.append(XMLElement(document: document, node: current))
            }
            child = current.pointee.next
        }
        return result
    }

    /// The first child element called `localName` in `namespace`, which defaults to this
    /// element's own namespace.
    public func child(_ localName: String, namespace: String?? = .none) -> XMLElement? {
        let uri = namespace ?? namespaceURI
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                let element = XMLElement(document: document, node: current)
                if element.isNamed(localName, namespace: uri) { return element }
            }
            child = current.pointee.next
        }
        return nil
    }

    /// Every child element called `localName` in `namespace` (default: this element's namespace).
    public func children(_ localName: String, namespace: String?? = .none) -> [XMLElement] {
        let uri = namespace ?? namespaceURI
        return children.filter { $0.isNamed(localName, namespace: uri) }
    }

    /// The parent element, or `nil` for the root.
    public var parent: XMLElement? {
        guard let parent = node.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return XMLElement(document: document, node: parent)
    }

    /// All text below this element, concatenated, exactly as in the document.
    public var text: String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { swg_xmlFree(content) }
        return String(cString: content)
    }

    /// The value of attribute `name` in no namespace, or in `namespace` when given.
    public func attribute(_ name: String, namespace: String? = nil) -> String? {
        let value: UnsafeMutablePointer<xmlChar>?
        if let namespace {
            value = xmlGetNsProp(node, name, namespace)
        } else {
            value = xmlGetNoNsProp(node, name)
        }
        guard let value else { return nil }
        defer { swg_xmlFree(value) }
        return String(cString: value)
    }

    /// For the signature module: the `xmlNodePtr`, valid while the document is alive.
    package var unsafeNodePointer: UnsafeMutableRawPointer { UnsafeMutableRawPointer(node) }

    /// Wraps a node pointer of `document` handed back by the signature module.
    package init?(document: XMLDocument, unsafeNode: UnsafeMutableRawPointer) {
        let node = unsafeNode.assumingMemoryBound(to: xmlNode.self)
        guard node.pointee.type == XML_ELEMENT_NODE, node.pointee.doc == document.doc else { return nil }
        self.init(document: document, node: node)
    }
}

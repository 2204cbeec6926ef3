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

    /// Whether this is the document element.
    public var isRoot: Bool { node.pointee.parent.map { $0.pointee.type == XML_DOCUMENT_NODE } ?? false }

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
        var found: XMLElement?
        forEachChild(named: localName, namespace: namespace) { element in
            found = element
            return false
        }
        return found
    }

    /// Every child element called `localName` in `namespace` (default: this element's namespace).
    public func children(_ localName: String, namespace: String?? = .none) -> [XMLElement] {
        var result: [XMLElement] = []
        forEachChild(named: localName, namespace: namespace) { element in
            result.append(element)
            return true
        }
        return result
    }

    /// Calls `body` for each matching child until it returns false. Names are compared as C
    /// strings and the default namespace by pointer to this element's, so the rules' many lookups
    /// create no Swift strings and no views for siblings that do not match.
    private func forEachChild(named localName: String, namespace: String??, _ body: (XMLElement) -> Bool) {
        localName.withCString { name in
            let wanted = UnsafeRawPointer(name).assumingMemoryBound(to: xmlChar.self)
            var child = node.pointee.children
            while let current = child {
                child = current.pointee.next
                guard current.pointee.type == XML_ELEMENT_NODE, xmlStrEqual(current.pointee.name, wanted) != 0 else { continue }
                let href = current.pointee.ns?.pointee.href
                let matches: Bool
                switch namespace {
                case .none:
                    let own = node.pointee.ns?.pointee.href
                    matches = (href == nil && own == nil) || (href != nil && own != nil && xmlStrEqual(href, own) != 0)
                case .some(.none):
                    matches = href == nil
                case .some(.some(let uri)):
                    matches = href != nil && xmlStrEqual(href, uri) != 0
                }
                if matches, !body(XMLElement(document: document, node: current)) { return }
            }
        }
    }

    /// The parent element, or `nil` for the root.
    public var parent: XMLElement? {
        guard let parent = node.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return XMLElement(document: document, node: parent)
    }

    /// All text below this element, concatenated, exactly as in the document.
    public var text: String {
        // Most elements hold a single text node (or nothing): read it in place rather than have
        // libxml2 allocate a buffer, copy into it and free it again. Same result as below.
        guard let first = node.pointee.children else { return "" }
        if first.pointee.next == nil, first.pointee.type == XML_TEXT_NODE, let content = first.pointee.content {
            return String(cString: content)
        }
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

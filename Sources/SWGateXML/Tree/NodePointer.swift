package import CLibXML2

/// A libxml2 node pointer, for the package's signature module (xmlsec works on libxml2 trees); it
/// never appears in public API. Every read and edit of the tree goes through this module.
package typealias NodePointer = UnsafeMutablePointer<xmlNode>
package typealias DocPointer = UnsafeMutablePointer<xmlDoc>

extension UnsafeMutablePointer where Pointee == xmlNode {
    package var localName: String { String(cString: pointee.name) }

    /// The document the node belongs to.
    package var document: DocPointer { pointee.doc }

    package var namespaceURI: String? { pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) } }

    /// Whether this is an element `name` in namespace `uri`.
    /// Compares the C strings with the UTF-8 of the Swift strings in place: no Swift `String`
    /// per visited node, and no temporary C string per comparison.
    package func isElement(_ name: String, _ uri: String?) -> Bool {
        guard pointee.type == XML_ELEMENT_NODE, let localName = pointee.name, cStringEquals(localName, name) else { return false }
        guard let href = pointee.ns?.pointee.href else { return uri == nil }
        guard let uri else { return false }
        return cStringEquals(href, uri)
    }

    /// Child elements in document order.
    package var elementChildren: [NodePointer] {
        var result: [NodePointer] = []
        var child = pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(current) }
            child = current.pointee.next
        }
        return result
    }

    /// Child elements called `name` in `uri`.
    package func children(_ name: String, _ uri: String?) -> [NodePointer] {
        var result: [NodePointer] = []
        var child = pointee.children
        while let current = child {
            if current.isElement(name, uri) { result.append(current) }
            child = current.pointee.next
        }
        return result
    }

    /// The only child element `name` in `uri`; `nil` when there is none or more than one. One walk
    /// of the children that stops at a second match, without an array (the signature checks ask
    /// this of every element they read).
    package func onlyChild(_ name: String, _ uri: String?) -> NodePointer? {
        var found: NodePointer?
        var child = pointee.children
        while let current = child {
            if current.isElement(name, uri) {
                guard found == nil else { return nil }
                found = current
            }
            child = current.pointee.next
        }
        return found
    }

    /// The parent, when it is an element.
    package var parentElement: NodePointer? {
        guard let parent = pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return parent
    }

    /// Attribute `name` in namespace `uri` (`nil`: no namespace).
    package func attribute(_ name: String, _ uri: String? = nil) -> String? {
        let value = uri.map { xmlGetNsProp(self, name, $0) } ?? xmlGetNoNsProp(self, name)
        guard let value else { return nil }
        defer { swg_xmlFree(value) }
        return String(cString: value)
    }

    /// All text below this element, concatenated.
    package var textContent: String {
        guard let content = xmlNodeGetContent(self) else { return "" }
        defer { swg_xmlFree(content) }
        return String(cString: content)
    }

    /// How many elements below this one (not counting itself) are `name` in namespace `uri`: one
    /// walk without recursion or closures (the signature-count checks run on every message).
    package func descendantCount(named name: String, namespace uri: String) -> Int {
        var count = 0
        var node = nextElement(within: self)
        while let element = node {
            if element.isElement(name, uri) { count += 1 }
            node = element.nextElement(within: self)
        }
        return count
    }

    /// The element after this one in document order, inside `root` (an ancestor, or this element):
    /// its first child element, or the next element sibling of it or of its nearest ancestor below
    /// `root` that has one. Walks a tree without recursion or closures.
    package func nextElement(within root: NodePointer) -> NodePointer? {
        if let child = Self.firstElement(from: pointee.children) { return child }
        var current = self
        while current != root {
            if let sibling = Self.firstElement(from: current.pointee.next) { return sibling }
            guard let parent = current.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
            current = parent
        }
        return nil
    }

    private static func firstElement(from node: NodePointer?) -> NodePointer? {
        var node = node
        while let current = node, current.pointee.type != XML_ELEMENT_NODE { node = current.pointee.next }
        return node
    }

    /// Whether a comment or processing instruction occurs anywhere below this node.
    package var containsCommentOrPI: Bool {
        var child = pointee.children
        while let current = child {
            if current.pointee.type == XML_COMMENT_NODE || current.pointee.type == XML_PI_NODE { return true }
            if current.pointee.type == XML_ELEMENT_NODE, current.containsCommentOrPI { return true }
            child = current.pointee.next
        }
        return false
    }

    /// Removes every comment and processing instruction below this node. Exclusive C14N without
    /// comments ignores them, so removing them changes no digest, and verification (which refuses
    /// them inside signed data) then accepts what the gateway signed.
    package func removeCommentsAndPIs() {
        var child = pointee.children
        while let current = child {
            child = current.pointee.next
            if current.pointee.type == XML_COMMENT_NODE || current.pointee.type == XML_PI_NODE {
                xmlUnlinkNode(current)
                xmlFreeNode(current)
            } else if current.pointee.type == XML_ELEMENT_NODE {
                current.removeCommentsAndPIs()
            }
        }
    }

    /// Whether `self` is `ancestor` or lies below it.
    package func isInside(_ ancestor: NodePointer) -> Bool {
        var node: NodePointer? = self
        while let current = node {
            if current == ancestor { return true }
            node = current.pointee.parent
        }
        return false
    }
}

/// Whether the NUL-terminated `cString` holds exactly the UTF-8 of `text`.
package func cStringEquals(_ cString: UnsafePointer<xmlChar>, _ text: String) -> Bool {
    guard cString[0] == text.utf8.first ?? 0 else { return false }  // most names differ at once
    // The C string's length first (`strnlen` reads at most one byte past the text's length and
    // stops at the NUL), then the bytes with `memcmp`: libc compares a word at a time, and
    // namespace URIs of 30-40 bytes are compared hundreds of times per message.
    let compared = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
        cString.withMemoryRebound(to: CChar.self, capacity: bytes.count + 1) { strnlen($0, bytes.count + 1) } == bytes.count
            && (bytes.count == 0 || memcmp(cString, bytes.baseAddress!, bytes.count) == 0)
    }
    return compared ?? (xmlStrEqual(cString, text) != 0)
}

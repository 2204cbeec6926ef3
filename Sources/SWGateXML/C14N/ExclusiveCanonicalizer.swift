package import CLibXML2
import Foundation

/// Exclusive XML Canonicalization 1.0 without comments and without an InclusiveNamespaces prefix
/// list, written straight from libxml2's tree into one byte buffer.
///
/// It renders exactly what libxml2's `xmlC14NExecute` renders for the same node set (a whole
/// document or one element's subtree, minus an excluded subtree such as the enveloped
/// `ds:Signature`), following libxml2's rules for namespace rendering, attribute order and
/// escaping, without the per-element lists, string copies and output-buffer calls that make
/// libxml2's walk cost about as much as parsing the document.
///
/// It only takes documents made of elements, attributes with plain text values, text, CDATA
/// sections and comments (left out). Anything else — a processing instruction, an entity
/// reference, a DTD node, a namespace URI that libxml2 would quote differently — makes
/// ``canonicalize(document:include:exclude:)`` return `nil`, and the caller uses libxml2.
/// Callers also keep libxml2 whenever a namespace URI is not plainly absolute
/// (``AbsoluteNamespaces``), since libxml2 refuses relative ones.
package struct ExclusiveCanonicalizer {
    /// A namespace binding rendered (or in effect) on an output ancestor; `nil` prefix is the default.
    private struct Binding {
        let prefix: UnsafePointer<xmlChar>?
        let href: UnsafePointer<xmlChar>?
    }

    private var bytes: CanonicalOutput
    private var rendered: [Binding] = []
    private var pending: [Binding] = []
    private var attributes: [UnsafeMutablePointer<xmlAttr>] = []
    private let exclude: NodePointer?

    private init(exclude: NodePointer?) {
        self.exclude = exclude
        bytes = CanonicalOutput(capacity: 16 * 1024)
        rendered.reserveCapacity(32)
        pending.reserveCapacity(8)
        attributes.reserveCapacity(16)
    }

    /// The canonical octets of `include` (the whole document when `nil`) without the subtree
    /// `exclude`; `nil` when the node set holds something this writer leaves to libxml2.
    package static func canonicalize(document: DocPointer, include: NodePointer?, exclude: NodePointer?) -> [UInt8]? {
        withCanonicalOctets(document: document, include: include, exclude: exclude) { Array($0) }
    }

    /// Calls `body` with the canonical octets (valid only during the call), or returns `nil`
    /// without calling it when the node set is left to libxml2.
    package static func withCanonicalOctets<R>(
        document: DocPointer, include: NodePointer?, exclude: NodePointer?,
        _ body: (UnsafeBufferPointer<UInt8>) -> R
    ) -> R? {
        var writer = ExclusiveCanonicalizer(exclude: exclude)
        defer { writer.bytes.deallocate() }
        guard writer.write(document: document, include: include) else { return nil }
        return body(writer.bytes.written)
    }

    private mutating func write(document: DocPointer, include: NodePointer?) -> Bool {
        if let include {
            guard include.pointee.type == XML_ELEMENT_NODE else { return false }
            return include == exclude || element(include)
        }
        return writeNodes(from: document.pointee.children, insideElement: false)
    }

    /// `first` and its following siblings: elements (but `exclude`) and, inside an element, text and
    /// CDATA; comments are left out; anything else is refused (`false`).
    private mutating func writeNodes(from first: NodePointer?, insideElement: Bool) -> Bool {
        var node = first
        while let current = node {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                if current != exclude {
                    guard element(current) else { return false }
                }
            case XML_TEXT_NODE where insideElement, XML_CDATA_SECTION_NODE where insideElement:
                if let content = current.pointee.content { writeEscaped(content, attribute: false) }
            case XML_COMMENT_NODE:
                break
            default:
                return false
            }
            node = current.pointee.next
        }
        return true
    }

    // MARK: - Elements

    private mutating func element(_ node: NodePointer) -> Bool {
        let scope = rendered.count
        defer { while rendered.count > scope { rendered.removeLast() } }
        bytes.append(UInt8(ascii: "<"))
        writeQualifiedName(node.pointee.ns, node.pointee.name)
        guard namespaces(of: node), attributes(of: node) else { return false }
        bytes.append(UInt8(ascii: ">"))
        guard writeNodes(from: node.pointee.children, insideElement: true) else { return false }
        bytes.append("</")
        writeQualifiedName(node.pointee.ns, node.pointee.name)
        bytes.append(UInt8(ascii: ">"))
        return true
    }

    /// The namespace declarations exclusive C14N renders on `node`: those its name and its
    /// attributes visibly use and no output ancestor already rendered with the same URI, sorted by
    /// prefix; `xmlns=""` when the element is in no namespace and an ancestor rendered a default one
    /// (libxml2's `xmlExcC14NProcessNamespacesAxis`).
    private mutating func namespaces(of node: NodePointer) -> Bool {
        if !pending.isEmpty { pending.removeAll(keepingCapacity: true) }
        var hasEmptyPrefix = false
        let usesNoNamespace = node.pointee.ns == nil
        let own = node.pointee.ns ?? defaultDeclaration(inScopeOf: node)
        if let own, !Self.isXMLNamespace(own) {
            use(own)
            if Self.isEmpty(own.pointee.prefix) { hasEmptyPrefix = true }
        }
        var attribute = node.pointee.properties
        while let current = attribute {
            if let ns = current.pointee.ns, !Self.isXMLNamespace(ns) {
                use(ns)
                if Self.isEmpty(ns.pointee.prefix) { hasEmptyPrefix = true }
            }
            attribute = current.pointee.next
        }
        if usesNoNamespace, !hasEmptyPrefix, !isRendered(Binding(prefix: nil, href: nil)) {
            bytes.append(" xmlns=\"\"")
        }
        // by prefix, the default (no prefix) first; prefixes in `pending` are distinct
        if pending.count > 1 { pending.sort { xmlStrcmp($0.prefix, $1.prefix) < 0 } }
        for binding in pending {
            guard let href = binding.href, Self.isPlainlyQuotable(href) else { return false }
            if let prefix = binding.prefix, prefix[0] != 0 {
                bytes.append(" xmlns:")
                writeRaw(prefix)
                bytes.append(UInt8(ascii: "="))
            } else {
                bytes.append(" xmlns=")
            }
            bytes.append(UInt8(ascii: "\""))
            writeRaw(href)
            bytes.append(UInt8(ascii: "\""))
        }
        return true
    }

    /// Records that the element visibly uses `ns`: rendered unless an output ancestor already did.
    private mutating func use(_ ns: UnsafeMutablePointer<xmlNs>) {
        let binding = Binding(prefix: ns.pointee.prefix, href: ns.pointee.href)
        if !isRendered(binding) { pending.append(binding) }
        rendered.append(binding)
    }

    /// libxml2's `xmlExcC14NVisibleNsStackFind`: the nearest binding of the same prefix decides;
    /// with none, only the empty default namespace counts as rendered.
    private func isRendered(_ binding: Binding) -> Bool {
        var index = rendered.count - 1
        while index >= 0 {
            let candidate = rendered[index]
            if Self.sameText(candidate.prefix, binding.prefix) { return Self.sameText(candidate.href, binding.href) }
            index -= 1
        }
        return Self.isEmpty(binding.prefix) && Self.isEmpty(binding.href)
    }

    /// The nearest default namespace declaration in scope of `node` (`xmlSearchNs` with no prefix),
    /// for an element in no namespace: an `xmlns=""` when there is one.
    private func defaultDeclaration(inScopeOf node: NodePointer) -> UnsafeMutablePointer<xmlNs>? {
        var current: NodePointer? = node
        while let element = current, element.pointee.type == XML_ELEMENT_NODE {
            var declaration = element.pointee.nsDef
            while let ns = declaration {
                if ns.pointee.prefix == nil, ns.pointee.href != nil { return ns }
                declaration = ns.pointee.next
            }
            if element != node, let ns = element.pointee.ns, ns.pointee.prefix == nil, ns.pointee.href != nil { return ns }
            current = element.pointee.parent
        }
        return nil
    }

    // MARK: - Attributes

    /// The element's attributes (none inherited), in libxml2's C14N order: no namespace first, then
    /// by namespace URI, then by local name.
    private mutating func attributes(of node: NodePointer) -> Bool {
        guard let first = node.pointee.properties else { return true }
        guard first.pointee.next != nil else { return write(first) }  // one: nothing to sort
        if !attributes.isEmpty { attributes.removeAll(keepingCapacity: true) }
        var attribute: UnsafeMutablePointer<xmlAttr>? = first
        while let current = attribute {
            attributes.append(current)
            attribute = current.pointee.next
        }
        attributes.sort { Self.compare($0, $1) < 0 }  // no two attributes compare equal
        for attribute in attributes {
            guard write(attribute) else { return false }
        }
        return true
    }

    /// ` name="value"`; `false` when the value is not plain text.
    private mutating func write(_ attribute: UnsafeMutablePointer<xmlAttr>) -> Bool {
        bytes.append(UInt8(ascii: " "))
        if let ns = attribute.pointee.ns, let prefix = ns.pointee.prefix, prefix[0] != 0 {
            writeRaw(prefix)
            bytes.append(UInt8(ascii: ":"))
        }
        writeRaw(attribute.pointee.name)
        bytes.append(UInt8(ascii: "="))
        bytes.append(UInt8(ascii: "\""))
        if let value = attribute.pointee.children {
            guard value.pointee.type == XML_TEXT_NODE, value.pointee.next == nil else { return false }
            if let content = value.pointee.content { writeEscaped(content, attribute: true) }
        }
        bytes.append(UInt8(ascii: "\""))
        return true
    }

    /// libxml2's `xmlC14NAttrsCompare`.
    private static func compare(_ first: UnsafeMutablePointer<xmlAttr>, _ second: UnsafeMutablePointer<xmlAttr>) -> Int32 {
        let firstNS = first.pointee.ns, secondNS = second.pointee.ns
        if firstNS == secondNS { return xmlStrcmp(first.pointee.name, second.pointee.name) }
        guard let firstNS else { return -1 }
        guard let secondNS else { return 1 }
        if firstNS.pointee.prefix == nil { return -1 }
        if secondNS.pointee.prefix == nil { return 1 }
        let byURI = xmlStrcmp(firstNS.pointee.href, secondNS.pointee.href)
        return byURI != 0 ? byURI : xmlStrcmp(first.pointee.name, second.pointee.name)
    }

    // MARK: - Output

    private mutating func writeQualifiedName(_ ns: UnsafeMutablePointer<xmlNs>?, _ name: UnsafePointer<xmlChar>?) {
        if let prefix = ns?.pointee.prefix, prefix[0] != 0 {
            writeRaw(prefix)
            bytes.append(UInt8(ascii: ":"))
        }
        if let name { writeRaw(name) }
    }

    private mutating func writeRaw(_ text: UnsafePointer<xmlChar>) {
        bytes.append(text, count: Int(xmlStrlen(text)))
    }

    /// Text escaped as C14N requires: `&`, `<`, `>` and CR in text (`xmlC11NNormalizeText`); `&`,
    /// `<`, `"`, TAB, LF and CR in attribute values (`xmlC11NNormalizeAttr`). Runs without those
    /// bytes are copied at once.
    private mutating func writeEscaped(_ text: UnsafePointer<xmlChar>, attribute: Bool) {
        _ = bytes.appendEscaped(text) { byte in
            attribute ? CanonicalEscaping.attribute(byte) : CanonicalEscaping.text(byte)
        }
    }

    private static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

    // MARK: - C strings

    private static func isXMLNamespace(_ ns: UnsafeMutablePointer<xmlNs>) -> Bool {
        guard let href = ns.pointee.href else { return false }
        return cStringEquals(href, xmlNamespace)
    }

    private static func isEmpty(_ text: UnsafePointer<xmlChar>?) -> Bool { text == nil || text![0] == 0 }

    /// Equal C strings, `nil` standing for the empty string (libxml2's `xmlC14NStrEqual`).
    private static func sameText(_ first: UnsafePointer<xmlChar>?, _ second: UnsafePointer<xmlChar>?) -> Bool {
        if first == second { return true }
        if isEmpty(first) { return isEmpty(second) }
        if isEmpty(second) { return false }
        return xmlStrEqual(first, second) != 0
    }

    /// A namespace URI libxml2 writes between double quotes as it is: no `"`, `'`, `&` or `<`
    /// (libxml2 would switch quotes or leave them unescaped; the caller then uses libxml2 itself).
    private static func isPlainlyQuotable(_ href: UnsafePointer<xmlChar>) -> Bool {
        var cursor = href
        while cursor.pointee != 0 {
            switch cursor.pointee {
            case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "&"), UInt8(ascii: "<"): return false
            default: cursor += 1
            }
        }
        return true
    }
}

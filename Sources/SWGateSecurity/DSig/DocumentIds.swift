internal import CLibXML2
internal import CXMLSec

/// Id attributes: the duplicate check and the explicit registration that makes a same-document
/// reference (`URI="#x"`) resolve to the one element the gateway chose, and nothing else.
enum DocumentIds {
    /// Every Id-like attribute value (`Id`, `ID`, `id` in any namespace, including `xml:id` and
    /// `wsu:Id`) must be unique in the document; otherwise a reference could resolve to a decoy.
    static func requireUnique(in root: NodePointer) throws(SignatureError) {
        if let duplicate = firstDuplicate(in: root, visiting: { _ in }) { throw duplicate }
    }

    /// Walks the elements of the tree at `root` (root first, document order), calling `visit` for
    /// each, and returns the error for the first Id value that occurs twice, if any: the duplicate
    /// check and a caller's own search in one pass.
    static func firstDuplicate(in root: NodePointer, visiting visit: (NodePointer) -> Void) -> SignatureError? {
        var seen: Set<String> = []
        var duplicate: SignatureError?
        var node: NodePointer? = root
        while let element = node {
            visit(element)
            var attribute = element.pointee.properties
            while duplicate == nil, let current = attribute {
                if let cName = current.pointee.name, isIdName(cName) {
                    let name = String(cString: cName)
                    let value = element.attribute(name, current.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) }) ?? ""
                    if !seen.insert(value).inserted {
                        duplicate = SignatureError(.duplicateId, "Id \"\(value)\" occurs more than once (on <\(element.localName)> and another element)")
                    }
                }
                attribute = current.pointee.next
            }
            node = element.nextElement(within: root)
        }
        return duplicate
    }

    /// `Id`, `ID` or `id`.
    private static func isIdName(_ name: UnsafePointer<xmlChar>) -> Bool {
        switch (name[0], name[1]) {
        case (UInt8(ascii: "I"), UInt8(ascii: "d")), (UInt8(ascii: "I"), UInt8(ascii: "D")), (UInt8(ascii: "i"), UInt8(ascii: "d")):
            return name[2] == 0
        default:
            return false
        }
    }

    /// Registers attribute `name` (in `uri`) of `element` as its document's ID and returns its value.
    @discardableResult
    static func register(_ element: NodePointer, attribute name: String, namespace uri: String?) throws(SignatureError) -> String {
        guard let attribute = element.attributeNode(name, uri), let value = element.attribute(name, uri), !value.isEmpty else {
            throw SignatureError(.malformedMessage, "<\(element.localName)> has no \(uri == nil ? "" : "wsu:")\(name) attribute")
        }
        if let existing = xmlGetID(element.pointee.doc, value) {
            guard existing == attribute else {
                throw SignatureError(.duplicateId, "Id \"\(value)\" is already used by another element")
            }
            return value
        }
        guard xmlAddID(nil, element.pointee.doc, value, attribute) != nil else {
            throw SignatureError(.duplicateId, "Id \"\(value)\" cannot be registered (already used)")
        }
        return value
    }

    /// The element that `#value` resolves to in the document's ID table.
    static func resolve(_ value: String, in doc: DocPointer) -> NodePointer? {
        guard let attribute = xmlGetID(doc, value) else { return nil }
        return attribute.pointee.parent
    }
}

internal import CLibXML2
internal import CXMLSec

/// Id attributes: the duplicate check and the explicit registration that makes a same-document
/// reference (`URI="#x"`) resolve to the one element the gateway chose, and nothing else.
enum DocumentIds {
    /// Every Id-like attribute value (`Id`, `ID`, `id` in any namespace, including `xml:id` and
    /// `wsu:Id`) must be unique in the document; otherwise a reference could resolve to a decoy.
    static func requireUnique(in root: NodePointer) throws(SignatureError) {
        var seen: Set<String> = []
        func visit(_ element: NodePointer) throws(SignatureError) {
            var attribute = element.pointee.properties
            while let current = attribute {
                if let cName = current.pointee.name, cStringEquals(cName, "Id") || cStringEquals(cName, "ID") || cStringEquals(cName, "id") {
                    let name = String(cString: cName)
                    let value = element.attribute(name, current.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) }) ?? ""
                    guard seen.insert(value).inserted else {
                        throw SignatureError(.duplicateId, "Id \"\(value)\" occurs more than once (on <\(element.localName)> and another element)")
                    }
                }
                attribute = current.pointee.next
            }
        }
        try visit(root)
        try root.forEachDescendant(visit)
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

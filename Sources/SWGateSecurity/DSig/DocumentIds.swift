internal import CXMLSec
import SWGateXML

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
            if duplicate == nil {
                for value in element.idAttributeValues where !seen.insert(value).inserted {
                    duplicate = SignatureError(.duplicateId, "Id \"\(value)\" occurs more than once (on <\(element.localName)> and another element)")
                    break
                }
            }
            node = element.nextElement(within: root)
        }
        return duplicate
    }

    /// Registers attribute `name` (in `uri`) of `element` as its document's ID and returns its value.
    @discardableResult
    static func register(_ element: NodePointer, attribute name: String, namespace uri: String?) throws(SignatureError) -> String {
        switch element.registerID(attribute: name, namespace: uri) {
        case .missing:
            throw SignatureError(.malformedMessage, "<\(element.localName)> has no \(uri == nil ? "" : "wsu:")\(name) attribute")
        case .taken(let value):
            throw SignatureError(.duplicateId, "Id \"\(value)\" is already used by another element")
        case .registered(let value):
            return value
        }
    }

    /// The element that `#value` resolves to in the document's ID table.
    static func resolve(_ value: String, in doc: DocPointer) -> NodePointer? {
        doc.element(withID: value)
    }
}

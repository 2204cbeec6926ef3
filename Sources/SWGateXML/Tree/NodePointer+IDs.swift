package import CLibXML2

/// Id attributes: the values on an element and the document's ID table, for same-document
/// references (`URI="#x"`).
extension UnsafeMutablePointer where Pointee == xmlNode {
    /// The values of this element's Id-like attributes (`Id`, `ID`, `id` in any namespace,
    /// including `xml:id` and `wsu:Id`), in attribute order.
    package var idAttributeValues: [String] {
        var values: [String] = []
        var attribute = pointee.properties
        while let current = attribute {
            if let cName = current.pointee.name, Self.isIdName(cName) {
                let name = String(cString: cName)
                values.append(self.attribute(name, current.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) }) ?? "")
            }
            attribute = current.pointee.next
        }
        return values
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

    /// What registering an attribute as the document's ID gave.
    package enum IDRegistration: Equatable {
        /// The element has no such attribute, or it is empty.
        case missing
        /// Registered now, or registered before for this same attribute: the value.
        case registered(String)
        /// The value is already the ID of another element.
        case taken(String)
    }

    /// Registers attribute `name` (in `uri`) of this element in its document's ID table.
    package func registerID(attribute name: String, namespace uri: String?) -> IDRegistration {
        guard let attribute = uri.map({ xmlHasNsProp(self, name, $0) }) ?? xmlHasNsProp(self, name, nil),
            let value = self.attribute(name, uri), !value.isEmpty
        else { return .missing }
        if let existing = xmlGetID(pointee.doc, value) {
            return existing == attribute ? .registered(value) : .taken(value)
        }
        return xmlAddID(nil, pointee.doc, value, attribute) != nil ? .registered(value) : .taken(value)
    }
}

extension UnsafeMutablePointer where Pointee == xmlDoc {
    /// The element whose registered ID is `value`.
    package func element(withID value: String) -> NodePointer? {
        xmlGetID(self, value)?.pointee.parent
    }
}

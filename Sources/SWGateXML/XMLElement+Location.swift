internal import CLibXML2

extension XMLElement {
    /// 1-based line of the element's start tag.
    public var line: Int { Int(xmlGetLineNo(node)) }

    /// 1-based column of the `<` that opens the element's start tag, in Unicode scalars,
    /// or 0 when it cannot be found. libxml2 keeps lines but not columns on tree nodes, so the
    /// column is found in the source only when asked for (when a problem is reported).
    public var column: Int {
        let line = self.line
        guard line > 0, let lineStart = document.byteOffset(ofLine: line) else { return 0 }
        // Which occurrence of this tag name on this line is ours?
        let name = Array(qualifiedName.utf8)
        var occurrence = 0
        var found = false
        document.root.walkInDocumentOrder { element in
            if element.node == node { found = true; return false }
            if element.line == line, element.qualifiedName.utf8.elementsEqual(name) { occurrence += 1 }
            return true
        }
        guard found else { return 0 }
        let source = document.source
        var index = lineStart
        var seen = 0
        while index + name.count < source.count {
            if source[index] == 0x0A { break }
            if source[index] == UInt8(ascii: "<"), source[(index + 1)..<(index + 1 + name.count)].elementsEqual(name) {
                let after = source[index + 1 + name.count]
                if after == UInt8(ascii: ">") || after == UInt8(ascii: "/") || after == 0x20 || after == 0x09
                    || after == 0x0A || after == 0x0D {
                    if seen == occurrence { return document.column(ofByteOffset: index) }
                    seen += 1
                }
            }
            index += 1
        }
        return 0
    }

    /// A readable location path from the root, e.g. `/FormD/Item[2]/HSCode`. Positions are
    /// given only where siblings share a name. Prefixes are dropped.
    public var path: String {
        var steps: [String] = []
        var current: XMLElement? = self
        while let element = current {
            let name = element.localName
            if let parent = element.parent {
                let siblings = parent.children.filter { $0.localName == name }
                if siblings.count > 1, let position = siblings.firstIndex(where: { $0.node == element.node }) {
                    steps.append("\(name)[\(position + 1)]")
                } else {
                    steps.append(name)
                }
            } else {
                steps.append(name)
            }
            current = element.parent
        }
        return "/" + steps.reversed().joined(separator: "/")
    }

    /// Visits this element and its descendants in document order until `visit` returns false.
    /// Returns false when the walk was stopped.
    @discardableResult
    public func walkInDocumentOrder(_ visit: (XMLElement) -> Bool) -> Bool {
        guard visit(self) else { return false }
        for child in children {
            guard child.walkInDocumentOrder(visit) else { return false }
        }
        return true
    }
}

package import CLibXML2

/// SWGate's own exclusive C14N writer (``ExclusiveCanonicalizer``) against libxml2's
/// `xmlC14NExecute` on the same tree and node set: the two must write the same octets wherever the
/// signature code would use the own writer (``Canonicalization/write``: plainly absolute namespaces,
/// exclusive C14N without a prefix list). Used by the differential fuzz target and by the tests.
public enum CanonicalizationCrossCheck {
    /// One node set on which the writers disagree, with both outputs (`nil`: that writer refused).
    public struct Difference: Error, Sendable, CustomStringConvertible {
        /// `whole document`, `subtree of /a/b[2]`, `document minus /a/c`, `subtree of /a minus /a/b`.
        public let nodeSet: String
        public let own: [UInt8]?
        public let libxml2: [UInt8]?

        public var description: String {
            """
            exclusive C14N differs on \(nodeSet)
            own:     \(own.map { String(decoding: $0, as: UTF8.self) } ?? "(refused)")
            libxml2: \(libxml2.map { String(decoding: $0, as: UTF8.self) } ?? "(refused)")
            """
        }
    }

    /// Compares the writers on the whole document, every element's subtree, the document minus
    /// each element, and (for the first `pairLimit` elements) each subtree minus each of its
    /// descendants. Returns how many node sets were compared (0 when the own writer would not be
    /// used for this document at all).
    /// - Throws: the first ``Difference``.
    @discardableResult
    public static func compare(_ document: XMLDocument, pairLimit: Int = 32) throws(Difference) -> Int {
        try document.withUnsafeDocumentPointer { (raw) throws(Difference) -> Int in
            let doc = raw.assumingMemoryBound(to: xmlDoc.self)
            // Canonicalization.write takes libxml2's full walk otherwise: the own writer is not used.
            guard AbsoluteNamespaces.holdFor(doc), let root = xmlDocGetRootElement(doc) else { return 0 }
            let all = elements(under: root)
            var subsets: [(NodePointer?, NodePointer?)] = [(nil, nil)]
            for (index, element) in all.enumerated() {
                subsets.append((element, nil))
                subsets.append((nil, element))
                if index < pairLimit {
                    for inner in elements(under: element).dropFirst() { subsets.append((element, inner)) }
                }
            }
            var compared = 0
            for (include, exclude) in subsets {
                // Nil: the own writer leaves this node set to libxml2 (processing instructions, …).
                guard let own = ExclusiveCanonicalizer.canonicalize(document: doc, include: include, exclude: exclude) else { continue }
                let reference = libxml2(doc, include: include, exclude: exclude)
                compared += 1
                if own != reference {
                    throw Difference(nodeSet: describe(include: include, exclude: exclude), own: own, libxml2: reference)
                }
            }
            return compared
        }
    }

    /// libxml2's exclusive C14N (without comments) of `include` (nil: the document) minus `exclude`.
    static func libxml2(_ document: DocPointer, include: NodePointer?, exclude: NodePointer?) -> [UInt8]? {
        var scope = swg_c14n_scope(include: include, exclude: exclude)
        guard let output = xmlAllocOutputBuffer(nil) else { return nil }
        defer { xmlOutputBufferClose(output) }
        let written = withUnsafeMutablePointer(to: &scope) { scope in
            xmlC14NExecute(document, swg_c14nVisible, scope, swg_c14nExclusive(), nil, 0, output)
        }
        guard written >= 0, let content = xmlOutputBufferGetContent(output) else { return nil }
        return Array(UnsafeBufferPointer(start: content, count: Int(xmlOutputBufferGetSize(output))))
    }

    static func elements(under node: NodePointer) -> [NodePointer] {
        var result: [NodePointer] = []
        var stack: [NodePointer] = [node]
        // Iterative, document order: a fuzzed document may nest as deep as the parser allows.
        while let current = stack.popLast() {
            result.append(current)
            var children: [NodePointer] = []
            var child = current.pointee.children
            while let next = child {
                if next.pointee.type == XML_ELEMENT_NODE { children.append(next) }
                child = next.pointee.next
            }
            stack.append(contentsOf: children.reversed())
        }
        return result
    }

    static func describe(include: NodePointer?, exclude: NodePointer?) -> String {
        func path(_ node: NodePointer) -> String {
            guard let raw = xmlGetNodePath(node) else { return "?" }
            defer { swg_xmlFree(raw) }
            return String(cString: raw)
        }
        switch (include, exclude) {
        case (nil, nil): return "whole document"
        case (let include?, nil): return "subtree of \(path(include))"
        case (nil, let exclude?): return "document minus \(path(exclude))"
        case (let include?, let exclude?): return "subtree of \(path(include)) minus \(path(exclude))"
        }
    }
}

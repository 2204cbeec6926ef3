internal import CLibXML2

/// A parsed XML document that owns its libxml2 tree.
///
/// Parsing is hardened: DOCTYPEs are refused (so no DTD, entity declaration or external
/// entity is ever processed), the network is off, and size, depth and node count are capped
/// by ``XMLLimits``. Whitespace and namespace declarations are kept exactly as received,
/// because signatures are computed over them.
///
/// Not `Sendable`: a libxml2 tree must not be read and written from several threads at once.
/// Parse a document where it is used; share bytes, not documents.
public final class XMLDocument {
    let doc: UnsafeMutablePointer<xmlDoc>
    /// The bytes the document was parsed from, kept to report columns.
    public let source: [UInt8]
    private var lineStarts: [Int]?

    /// No network; errors collected, not printed; line numbers past 65,535; short text stored
    /// inside its node (fewer allocations). Deliberately absent: NOENT, DTDLOAD, DTDATTR,
    /// XINCLUDE, HUGE (entities and DTDs are refused anyway, see the shim), and NOBLANKS
    /// (whitespace is signed content).
    static let parseOptions: Int32 = Int32(bitPattern:
        XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_COMPACT.rawValue)

    /// Parses `bytes` under `limits`.
    ///
    /// - Parameter keepIgnorableWhitespace: false drops whitespace-only text between elements
    ///   (libxml2's NOBLANKS; text inside an element without element children is kept). Only for
    ///   documents that are checked and thrown away, as validation does: the tree is then not the
    ///   signed bytes, so never serialise or sign such a document.
    /// - Throws: ``XMLError`` naming the problem and where it is.
    public init(bytes: [UInt8], limits: XMLLimits = .default, keepIgnorableWhitespace: Bool = true) throws(XMLError) {
        XMLLibrary.ensureInitialized()
        guard bytes.count <= limits.maxBytes else {
            throw XMLError(
                code: .tooLarge,
                message: "document is \(bytes.count) bytes; the limit is \(limits.maxBytes) bytes")
        }
        guard !bytes.isEmpty else {
            throw XMLError(code: .malformed, message: "document is empty", line: 1, column: 1)
        }
        var state = swg_parse_limits(
            maxDepth: Int32(limits.maxDepth), maxNodes: limits.maxNodes, nodeCount: 0,
            violation: Int32(SWG_VIOLATION_NONE), line: 0, column: 0)
        let parsed: UnsafeMutablePointer<xmlDoc>? = try withUnsafeMutablePointer(to: &state) { statePointer throws(XMLError) in
            try bytes.withUnsafeBufferPointer { buffer throws(XMLError) in
                let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                let options = keepIgnorableWhitespace ? Self.parseOptions : Self.parseOptions | Int32(XML_PARSE_NOBLANKS.rawValue)
                guard let ctxt = swg_newHardenedParser(base, Int32(buffer.count), options, statePointer)
                else {
                    throw XMLError(code: .internalFailure, message: "libxml2 could not create a parser")
                }
                defer { xmlFreeParserCtxt(ctxt) }
                ctxt.pointee.linenumbers = 1
                _ = xmlParseDocument(ctxt)
                let doc = ctxt.pointee.myDoc
                ctxt.pointee.myDoc = nil
                if let violation = Self.limitViolation(statePointer.pointee, limits: limits) {
                    if let doc { xmlFreeDoc(doc) }
                    throw violation
                }
                guard ctxt.pointee.wellFormed != 0, let doc else {
                    if let doc { xmlFreeDoc(doc) }
                    throw Self.malformedError(ctxt)
                }
                // libxml2 keeps building the tree after a namespace error (an undeclared prefix, or two
                // attributes with one expanded name through two prefixes bound to the same URI). Such
                // a tree has no single canonical form — C14N implementations order the twin
                // attributes differently — so it must never reach signing or verification.
                guard ctxt.pointee.nsWellFormed != 0 else {
                    xmlFreeDoc(doc)
                    throw Self.malformedError(ctxt, prefix: "not namespace-well-formed XML")
                }
                return doc
            }
        }
        guard let parsed, xmlDocGetRootElement(parsed) != nil else {
            if let parsed { xmlFreeDoc(parsed) }
            throw XMLError(code: .malformed, message: "document has no root element", line: 1, column: 1)
        }
        self.doc = parsed
        self.source = bytes
    }

    /// A document that owns `doc` (a copy made by this module), located in `source`.
    private init(adopting doc: UnsafeMutablePointer<xmlDoc>, source: [UInt8]) {
        self.doc = doc
        self.source = source
    }

    /// A new document holding a deep copy of `element`'s subtree as its root, without parsing
    /// again: namespaces declared by ancestors are declared on the new root, and lines and columns
    /// still point into this document's source. Nil only when libxml2 cannot allocate.
    func copy(of element: XMLElement) -> XMLDocument? {
        guard let copy = xmlNewDoc("1.0") else { return nil }
        guard let node = xmlDocCopyNode(element.node, copy, 1) else {
            xmlFreeDoc(copy)
            return nil
        }
        xmlDocSetRootElement(copy, node)
        return XMLDocument(adopting: copy, source: source)
    }

    /// Parses UTF-8 text.
    public convenience init(string: String, limits: XMLLimits = .default) throws(XMLError) {
        try self.init(bytes: Array(string.utf8), limits: limits)
    }

    deinit {
        xmlFreeDoc(doc)
    }

    private static func limitViolation(_ state: swg_parse_limits, limits: XMLLimits) -> XMLError? {
        let line = Int(state.line)
        let column = Int(state.column)
        switch Int(state.violation) {
        case Int(SWG_VIOLATION_DTD):
            return XMLError(
                code: .dtdForbidden,
                message: "DOCTYPE declarations are not allowed (no DTD, entity declaration or external entity is processed)",
                line: line, column: column)
        case Int(SWG_VIOLATION_DEPTH):
            return XMLError(
                code: .tooDeep, message: "elements are nested deeper than the limit of \(limits.maxDepth) levels",
                line: line, column: column)
        case Int(SWG_VIOLATION_NODES):
            return XMLError(
                code: .tooManyNodes, message: "document has more than the limit of \(limits.maxNodes) nodes",
                line: line, column: column)
        default:
            return nil
        }
    }

    private static func malformedError(_ ctxt: xmlParserCtxtPtr, prefix: String = "not well-formed XML") -> XMLError {
        guard let last = xmlCtxtGetLastError(ctxt) else {
            return XMLError(code: .malformed, message: prefix, line: 1, column: 1)
        }
        let error = last.pointee
        let text = error.message.map { String(cString: $0) } ?? prefix
        let trimmed = text.trimmingTrailingWhitespace()
        return XMLError(
            code: .malformed, message: "\(prefix): \(trimmed)",
            line: max(Int(error.line), 1), column: max(Int(error.int2), 1))
    }

    /// The document element.
    public var root: XMLElement {
        XMLElement(document: self, node: xmlDocGetRootElement(doc)!)
    }

    /// The document serialised as UTF-8, with an XML declaration. Text is written as
    /// characters, not character references, so non-ASCII text (e.g. Vietnamese) keeps its bytes.
    /// Written by ``DocumentSerializer`` (the same bytes libxml2 writes, without its output
    /// machinery) when the document holds only what that writer takes; by libxml2 otherwise.
    public func serialized() -> [UInt8] {
        directlySerialized() ?? libxml2Serialized()
    }

    /// The document written by ``DocumentSerializer``; nil when it holds something left to libxml2.
    package func directlySerialized() -> [UInt8]? {
        withExtendedLifetime(self) { DocumentSerializer.serialize(doc) }
    }

    /// The document serialised by libxml2's `xmlDocDumpMemoryEnc`, which ``serialized()`` matches.
    package func libxml2Serialized() -> [UInt8] {
        var buffer: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpMemoryEnc(doc, &buffer, &size, "UTF-8")
        guard let buffer else { return [] }
        defer { swg_xmlFree(buffer) }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
    }

    /// Exclusive XML canonicalisation (without comments) of the whole document.
    public func exclusiveCanonicalForm() -> [UInt8] {
        var buffer: UnsafeMutablePointer<xmlChar>?
        let size = xmlC14NDocDumpMemory(doc, nil, Int32(XML_C14N_EXCLUSIVE_1_0.rawValue), nil, 0, &buffer)
        guard size >= 0, let buffer else { return [] }
        defer { swg_xmlFree(buffer) }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
    }

    /// For the signature module (xmlsec operates on libxml2 trees): the `xmlDocPtr`, valid
    /// while `self` is alive. Never exposed outside the package.
    package func withUnsafeDocumentPointer<R, E: Error>(_ body: (UnsafeMutableRawPointer) throws(E) -> R) throws(E) -> R {
        try withExtendedLifetime(self) { () throws(E) -> R in try body(UnsafeMutableRawPointer(doc)) }
    }

    /// The document element of the tree, for the signature module, while this document is alive.
    package func withRootNode<R, E: Error>(_ body: (NodePointer) throws(E) -> R) throws(E) -> R {
        try withExtendedLifetime(self) { () throws(E) -> R in try body(xmlDocGetRootElement(doc)!) }
    }

    /// 1-based column of byte `offset` on `line`, counted in Unicode scalars.
    func column(ofByteOffset offset: Int) -> Int {
        let starts = computedLineStarts()
        var lineIndex = 0
        var low = 0
        var high = starts.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if starts[mid] <= offset { lineIndex = mid; low = mid + 1 } else { high = mid - 1 }
        }
        var column = 1
        var index = starts[lineIndex]
        while index < offset {
            if source[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return column
    }

    /// Byte offset where 1-based `line` starts, if the document has that line.
    func byteOffset(ofLine line: Int) -> Int? {
        let starts = computedLineStarts()
        guard line >= 1, line <= starts.count else { return nil }
        return starts[line - 1]
    }

    private func computedLineStarts() -> [Int] {
        if let lineStarts { return lineStarts }
        var starts = [0]
        for (index, byte) in source.enumerated() where byte == 0x0A {
            starts.append(index + 1)
        }
        lineStarts = starts
        return starts
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var scalars = Substring(self)
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

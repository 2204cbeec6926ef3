internal import CLibXML2

/// One schema violation found by ``XMLSchema/validate(_:)``.
public struct XMLSchemaViolation: Sendable, Hashable {
    /// libxml2's message, with `{namespace}` prefixes removed from element names.
    public var message: String
    /// Location path of the offending element, e.g. `/FormD/Item[1]/HSCode`, or "" if unknown.
    public var path: String
    public var line: Int
    public var column: Int
}

/// A compiled W3C XML Schema (with its imports), shared by all validations.
///
/// Thread safety: libxml2 documents a compiled `xmlSchema` as read-only during validation;
/// every call to ``validate(_:)`` creates its own validation context, so one instance is
/// used concurrently from any number of tasks (exercised by a 20,000-validation concurrent
/// test). Hence `@unchecked Sendable`.
public final class XMLSchema: @unchecked Sendable {
    private let schema: OpaquePointer
    /// The file the schema was compiled from.
    public let path: String

    /// Compiles the schema at `path`. Imports and includes are read only from the schema's
    /// own directory tree; nothing is fetched from the network.
    public init(path: String) throws(XMLError) {
        XMLLibrary.ensureInitialized()
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        guard XMLLibrary.allowDirectory(directory) else {
            throw XMLError(code: .schemaUnusable, message: "cannot register schema directory \(directory)")
        }
        guard let parser = xmlSchemaNewParserCtxt(path) else {
            throw XMLError(code: .schemaUnusable, message: "cannot read schema \(path)")
        }
        defer { xmlSchemaFreeParserCtxt(parser) }
        let collector = ErrorCollector()
        let unmanaged = Unmanaged.passRetained(collector)
        defer { unmanaged.release() }
        xmlSchemaSetParserStructuredErrors(parser, collectStructuredError, unmanaged.toOpaque())
        guard let compiled = xmlSchemaParse(parser) else {
            let details = collector.errors.map { "\($0.file):\($0.line): \($0.message)" }.joined(separator: "; ")
            throw XMLError(code: .schemaUnusable, message: "schema \(path) does not compile: \(details)")
        }
        self.schema = compiled
        self.path = path
    }

    deinit {
        xmlSchemaFree(schema)
    }

    /// Validates the subtree of `element` (for example a business document inside an envelope's
    /// Content) as if it were a document of its own; every violation, located in `element`'s document.
    public func validate(_ element: XMLElement) -> [XMLSchemaViolation] {
        validate(element.document) { context in xmlSchemaValidateOneElement(context, element.node) }
    }

    /// Validates `document` and returns every violation (empty when valid).
    public func validate(_ document: XMLDocument) -> [XMLSchemaViolation] {
        validate(document) { context in
            document.withUnsafeDocumentPointer { pointer in
                xmlSchemaValidateDoc(context, pointer.assumingMemoryBound(to: xmlDoc.self))
            }
        }
    }

    private func validate(_ document: XMLDocument, running run: (OpaquePointer) -> Int32) -> [XMLSchemaViolation] {
        guard let context = xmlSchemaNewValidCtxt(schema) else {
            return [XMLSchemaViolation(message: "libxml2 could not create a validation context", path: "", line: 0, column: 0)]
        }
        defer { xmlSchemaFreeValidCtxt(context) }
        let collector = ErrorCollector()
        let unmanaged = Unmanaged.passRetained(collector)
        defer { unmanaged.release() }
        xmlSchemaSetValidStructuredErrors(context, collectStructuredError, unmanaged.toOpaque())
        let result = run(context)
        if result == 0 { return [] }
        if collector.errors.isEmpty {
            return [XMLSchemaViolation(message: "schema validation failed (libxml2 code \(result))", path: "", line: 0, column: 0)]
        }
        return collector.errors.map { error in
            var path = ""
            var line = error.line
            var column = 0
            if let node = error.node, let element = XMLElement(document: document, unsafeNode: node) {
                path = element.path
                line = element.line
                column = element.column
            }
            return XMLSchemaViolation(message: error.message, path: path, line: line, column: column)
        }
    }
}

/// Collects libxml2 structured errors for one parse or validation context.
final class ErrorCollector {
    struct Entry {
        var message: String
        var file: String
        var line: Int
        var node: UnsafeMutableRawPointer?
    }
    var errors: [Entry] = []
}

/// Structured-error callback: libxml2's global error handlers are per thread and useless
/// under Swift tasks, so each context gets this callback with its own collector.
private func collectStructuredError(_ userData: UnsafeMutableRawPointer?, _ error: UnsafeMutablePointer<xmlError>?) {
    guard let userData, let error else { return }
    let collector = Unmanaged<ErrorCollector>.fromOpaque(userData).takeUnretainedValue()
    let raw = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
    var node: UnsafeMutableRawPointer? = error.pointee.node
    if let attribute = node?.assumingMemoryBound(to: xmlNode.self), attribute.pointee.type == XML_ATTRIBUTE_NODE {
        node = attribute.pointee.parent.map { UnsafeMutableRawPointer($0) }
    }
    collector.errors.append(
        ErrorCollector.Entry(
            message: stripNamespaceBraces(raw.trimmingTrailingWhitespace()),
            file: error.pointee.file.map { String(cString: $0) } ?? "",
            line: Int(error.pointee.line),
            node: node))
}

/// `Element '{urn:x}Foo': …` reads better as `Element 'Foo': …`. Only braces that enclose a
/// namespace URI are removed; a pattern such as `[0-9]{6,12}` is left alone.
func stripNamespaceBraces(_ message: String) -> String {
    var result = Substring()
    var rest = Substring(message)
    while let open = rest.firstIndex(of: "{") {
        result += rest[..<open]
        guard let close = rest[open...].firstIndex(of: "}") else { break }
        let inside = rest[rest.index(after: open)..<close]
        if inside.contains(":") && !inside.contains(",") {
            rest = rest[rest.index(after: close)...]
        } else {
            result += rest[open...close]
            rest = rest[rest.index(after: close)...]
        }
    }
    result += rest
    return String(result)
}

import CLibXML2

/// Writes a document the way libxml2's `xmlDocDumpMemoryEnc(doc, …, "UTF-8")` writes it, byte for
/// byte, straight from the tree into one buffer: the XML declaration, each top-level node on a
/// line, elements with their namespace declarations and attributes in tree order, `<a/>` for an
/// element without children, text escaped as libxml2 escapes it.
///
/// libxml2's writer goes through an output buffer, an encoder and an escaping callback per piece,
/// and cost as much as parsing the document: ≈ 44 instructions per byte, ≈ 0.4 million for a signed
/// 10 KB message (`Benchmarks/scripts/signature-instructions.sh`), once per signed message and
/// once per answer kept.
///
/// It only takes what the gateway's messages are made of: elements, attributes whose value is
/// one piece of ASCII text, text and comments. Anything else — CDATA, a processing instruction,
/// an entity reference, a DTD, a `standalone` declaration (libxml2 stores -1 without an XML
/// declaration and -2 without `standalone`), non-ASCII text in an attribute, a namespace URI with
/// quotes — makes ``serialize(_:)`` return `nil`, and the caller uses libxml2.
enum DocumentSerializer {
    static func serialize(_ document: DocPointer) -> [UInt8]? {
        guard document.pointee.intSubset == nil, document.pointee.extSubset == nil, document.pointee.standalone < 0 else { return nil }
        var output = CanonicalOutput(capacity: 16 * 1024)
        defer { output.deallocate() }
        output.append("<?xml version=")
        if let version = document.pointee.version {
            guard writeQuoted(version, to: &output) else { return nil }
        } else {
            output.append("\"1.0\"")
        }
        output.append(" encoding=\"UTF-8\"?>\n")
        var node = document.pointee.children
        while let current = node {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                guard element(current, to: &output) else { return nil }
            case XML_COMMENT_NODE:
                comment(current, to: &output)
            default:
                return nil
            }
            output.append(UInt8(ascii: "\n"))
            node = current.pointee.next
        }
        return Array(output.written)
    }

    private static func element(_ node: NodePointer, to output: inout CanonicalOutput) -> Bool {
        output.append(UInt8(ascii: "<"))
        writeQualifiedName(node.pointee.ns, node.pointee.name, to: &output)
        var declaration = node.pointee.nsDef
        while let ns = declaration {
            if let href = ns.pointee.href, !isXMLPrefix(ns.pointee.prefix) {
                if let prefix = ns.pointee.prefix {
                    output.append(" xmlns:")
                    writeRaw(prefix, to: &output)
                    output.append(UInt8(ascii: "="))
                } else {
                    output.append(" xmlns=")
                }
                guard writeQuoted(href, to: &output) else { return false }
            }
            declaration = ns.pointee.next
        }
        var attribute = node.pointee.properties
        while let current = attribute {
            output.append(UInt8(ascii: " "))
            writeQualifiedName(current.pointee.ns, current.pointee.name, to: &output)
            output.append("=\"")
            if let value = current.pointee.children {
                guard value.pointee.type == XML_TEXT_NODE, value.pointee.next == nil, let content = value.pointee.content,
                    writeAttributeValue(content, to: &output)
                else { return false }
            }
            output.append(UInt8(ascii: "\""))
            attribute = current.pointee.next
        }
        guard let first = node.pointee.children else {
            output.append("/>")
            return true
        }
        output.append(UInt8(ascii: ">"))
        var child: NodePointer? = first
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                guard element(current, to: &output) else { return false }
            case XML_TEXT_NODE:
                // libxml2 writes a "textnoenc" node unescaped; the parser never makes one.
                guard current.pointee.name == swg_xmlStringText() else { return false }
                if let content = current.pointee.content { writeText(content, to: &output) }
            case XML_COMMENT_NODE:
                comment(current, to: &output)
            default:
                return false
            }
            child = current.pointee.next
        }
        output.append("</")
        writeQualifiedName(node.pointee.ns, node.pointee.name, to: &output)
        output.append(UInt8(ascii: ">"))
        return true
    }

    private static func comment(_ node: NodePointer, to output: inout CanonicalOutput) {
        output.append("<!--")
        if let content = node.pointee.content { writeRaw(content, to: &output) }
        output.append("-->")
    }

    private static func writeQualifiedName(_ ns: UnsafeMutablePointer<xmlNs>?, _ name: UnsafePointer<xmlChar>?, to output: inout CanonicalOutput) {
        if let prefix = ns?.pointee.prefix {
            writeRaw(prefix, to: &output)
            output.append(UInt8(ascii: ":"))
        }
        if let name { writeRaw(name, to: &output) }
    }

    private static func writeRaw(_ text: UnsafePointer<xmlChar>, to output: inout CanonicalOutput) {
        output.append(text, count: Int(xmlStrlen(text)))
    }

    private static func isXMLPrefix(_ prefix: UnsafePointer<xmlChar>?) -> Bool {
        guard let prefix else { return false }
        return prefix[0] == UInt8(ascii: "x") && prefix[1] == UInt8(ascii: "m") && prefix[2] == UInt8(ascii: "l") && prefix[3] == 0
    }

    /// Between double quotes when the text has none (libxml2's `xmlBufWriteQuotedString` switches
    /// quotes otherwise: left to libxml2).
    private static func writeQuoted(_ text: UnsafePointer<xmlChar>, to output: inout CanonicalOutput) -> Bool {
        var cursor = text
        while cursor.pointee != 0 {
            if cursor.pointee == UInt8(ascii: "\"") { return false }
            cursor += 1
        }
        output.append(UInt8(ascii: "\""))
        output.append(text, count: cursor - text)
        output.append(UInt8(ascii: "\""))
        return true
    }

    /// Text content as `xmlEscapeContent` writes it: `<`, `>`, `&` and CR escaped; every other byte
    /// (UTF-8 included) as it is.
    private static func writeText(_ text: UnsafePointer<xmlChar>, to output: inout CanonicalOutput) {
        _ = output.appendEscaped(text) { byte in
            switch byte {
            case UInt8(ascii: "<"): "&lt;"
            case UInt8(ascii: ">"): "&gt;"
            case UInt8(ascii: "&"): "&amp;"
            case 0x0D: "&#13;"
            default: nil
            }
        }
    }

    /// An attribute value as `xmlBufAttrSerializeTxtContent` writes it: LF, CR, TAB, `"`, `<`, `>`
    /// and `&` escaped. A byte outside ASCII (which libxml2 may write as a character reference,
    /// depending on the document's declared encoding) is refused.
    private static func writeAttributeValue(_ text: UnsafePointer<xmlChar>, to output: inout CanonicalOutput) -> Bool {
        output.appendEscaped(text, refusingNonASCII: true) { byte in
            switch byte {
            case 0x0A: "&#10;"
            case 0x0D: "&#13;"
            case 0x09: "&#9;"
            case UInt8(ascii: "\""): "&quot;"
            case UInt8(ascii: "<"): "&lt;"
            case UInt8(ascii: ">"): "&gt;"
            case UInt8(ascii: "&"): "&amp;"
            default: nil
            }
        }
    }
}

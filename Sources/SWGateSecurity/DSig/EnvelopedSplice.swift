internal import CLibXML2
internal import CXMLSec

/// The output of an enveloped signature as the submitted bytes with the `ds:Signature` element
/// written in front of the root's end tag, instead of the whole tree serialised again.
///
/// The signature is appended as the root's last child, after any whitespace before the end tag,
/// so parsing the result gives the tree that was signed: the verifier canonicalises the same
/// octets. The submitted bytes (declaration, character references, attribute quoting) are kept
/// as the sender wrote them. Only taken when that is plainly safe: the document is UTF-8 (or
/// declares no encoding) and ends with the root's `</name>` and whitespace only — otherwise
/// ``init(bytes:document:root:)`` fails and the caller serialises the tree.
struct EnvelopedSplice {
    private let bytes: [UInt8]
    /// Offset of the `<` of the root's end tag.
    private let endTag: Int

    init?(bytes: [UInt8], document: DocPointer, root: NodePointer) {
        if let encoding = document.pointee.encoding {
            guard xmlStrcasecmp(encoding, "UTF-8") == 0 else { return nil }
        }
        guard let name = root.pointee.name else { return nil }
        var qualifiedName: [UInt8] = []
        if let prefix = root.pointee.ns?.pointee.prefix {
            qualifiedName += UnsafeBufferPointer(start: prefix, count: Int(xmlStrlen(prefix)))
            qualifiedName.append(UInt8(ascii: ":"))
        }
        qualifiedName += UnsafeBufferPointer(start: name, count: Int(xmlStrlen(name)))
        var end = bytes.count
        while end > 0, Self.isSpace(bytes[end - 1]) { end -= 1 }
        guard end > 0, bytes[end - 1] == UInt8(ascii: ">") else { return nil }
        var nameEnd = end - 1
        while nameEnd > 0, Self.isSpace(bytes[nameEnd - 1]) { nameEnd -= 1 }
        let nameStart = nameEnd - qualifiedName.count
        guard nameStart >= 2, bytes[nameStart - 2] == UInt8(ascii: "<"), bytes[nameStart - 1] == UInt8(ascii: "/"),
              bytes[nameStart..<nameEnd].elementsEqual(qualifiedName)
        else { return nil }
        self.bytes = bytes
        endTag = nameStart - 2
    }

    /// `signature` (the filled template, the root's last child) as libxml2 serialises it.
    func serialized(_ signature: NodePointer) throws(SignatureError) -> [UInt8] {
        guard let buffer = xmlBufferCreate() else { throw SignatureError(.internalFailure, "cannot allocate a buffer") }
        defer { xmlBufferFree(buffer) }
        guard xmlNodeDump(buffer, signature.pointee.doc, signature, 0, 0) >= 0, let content = xmlBufferContent(buffer) else {
            throw SignatureError(.internalFailure, "cannot serialise the signature")
        }
        return Array(UnsafeBufferPointer(start: content, count: Int(xmlBufferLength(buffer))))
    }

    /// The submitted bytes with `written` (a serialised ds:Signature) in front of the root's end tag.
    func inserting(_ written: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + written.count)
        result += bytes[..<endTag]
        result += written
        result += bytes[endTag...]
        return result
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

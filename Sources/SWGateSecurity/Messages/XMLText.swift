import SWGateXML
package import Foundation

/// Helpers for writing XML as text, shared by the envelope builders here and the channels.
package enum XMLText {
    /// `text` escaped for element content and attribute values. Works on the UTF-8 bytes (the
    /// five characters escaped are ASCII, and UTF-8 never uses ASCII bytes inside a multi-byte
    /// sequence); text without any of them, the usual case, is returned as it is.
    package static func escape(_ text: String) -> String {
        var text = text
        let plain = text.withUTF8 { utf8 in !utf8.contains { $0 <= UInt8(ascii: ">") && escapes[Int($0)] != nil } }
        if plain { return text }
        return text.withUTF8 { utf8 -> String in
            var result = [UInt8]()
            result.reserveCapacity(utf8.count + 16)
            for byte in utf8 {
                if byte <= UInt8(ascii: ">"), let replacement = escapes[Int(byte)] {
                    result.append(contentsOf: replacement)
                } else {
                    result.append(byte)
                }
            }
            return String(decoding: result, as: UTF8.self)
        }
    }

    /// The replacement of each ASCII byte up to `>` that ``escape(_:)`` escapes.
    private static let escapes: [[UInt8]?] = (0...Int(UInt8(ascii: ">"))).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "&"): Array("&amp;".utf8)
        case UInt8(ascii: "<"): Array("&lt;".utf8)
        case UInt8(ascii: ">"): Array("&gt;".utf8)
        case UInt8(ascii: "\""): Array("&quot;".utf8)
        case UInt8(ascii: "'"): Array("&apos;".utf8)
        default: nil
        }
    }

    /// `document` without a UTF-8 byte order mark and XML declaration, so it can be embedded.
    /// Works on the UTF-8 bytes and decodes once (Foundation's `range(of:)` and
    /// `trimmingCharacters` went through UTF-16 and cost more than the C14N of the message).
    package static func embeddable(_ document: [UInt8]) -> String {
        String(decoding: embeddableBytes(document), as: UTF8.self)
    }

    /// ``embeddable(_:)`` as bytes, for building messages without decoding.
    package static func embeddableBytes(_ document: [UInt8]) -> ArraySlice<UInt8> {
        var bytes = document[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if bytes.starts(with: Array("<?xml".utf8)), let end = declarationEnd(in: bytes) { bytes = bytes[end...] }
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        while let first = bytes.first, isSpace(first) { bytes = bytes.dropFirst() }
        while let last = bytes.last, isSpace(last) { bytes = bytes.dropLast() }
        return bytes
    }

    /// The index just after the first `?>` in `bytes`.
    private static func declarationEnd(in bytes: ArraySlice<UInt8>) -> Int? {
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            if bytes[index] == 0x3F && bytes[index + 1] == 0x3E { return index + 2 }
            index += 1
        }
        return nil
    }

    /// `date` as an xs:dateTime in UTC with milliseconds.
    package static func dateTime(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// Parses an xs:dateTime with or without fractional seconds.
    package static func parseDateTime(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let date = try? Date(trimmed, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)) { return date }
        return try? Date(trimmed, strategy: .iso8601)
    }
}

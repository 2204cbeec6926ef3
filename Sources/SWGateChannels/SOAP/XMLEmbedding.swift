import Foundation

/// Text helpers for writing XML by hand: escaping, and embedding a whole document in another.
enum XMLEmbedding {
    /// Escapes `&`, `<`, `>`, `"` and `'` for text and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }

    /// `document` without its byte-order mark, XML declaration and leading whitespace, ready to
    /// be placed as an element inside another document.
    static func embeddable(_ document: [UInt8]) -> [UInt8] {
        var start = 0
        if document.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        func skipWhitespace() {
            while start < document.count, [0x20, 0x09, 0x0A, 0x0D].contains(document[start]) { start += 1 }
        }
        skipWhitespace()
        if document[start...].starts(with: Array("<?xml".utf8)) {
            var index = start + 5
            while index + 1 < document.count, !(document[index] == 0x3F && document[index + 1] == 0x3E) { index += 1 }
            start = min(index + 2, document.count)
            skipWhitespace()
        }
        return Array(document[start...])
    }

    /// An ISO 8601 UTC timestamp with milliseconds.
    static func dateTime(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}

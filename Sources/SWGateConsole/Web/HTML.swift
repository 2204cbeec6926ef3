/// HTML text built by the pages. Every value that comes from outside the page's own source (ids,
/// references, errors, audit details, operator names) goes through ``escape(_:)``; nothing is
/// ever inserted raw.
public enum HTML {
    /// `text` with `& < > " '` replaced by character references: safe in element content and in
    /// double- or single-quoted attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A query-string or path component, percent-encoded (then still escaped where it lands in HTML).
    public static func percentEncode(_ text: String) -> String {
        var allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        allowed.remove(UInt8(ascii: "+"))
        var out = ""
        for byte in text.utf8 {
            if allowed.contains(byte) { out.append(Character(UnicodeScalar(byte))) } else { out += "%" + hex(byte) }
        }
        return out
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
    }
}

/// Shorthand used by the pages: the escaped form of any value's description.
func h(_ value: some CustomStringConvertible) -> String { HTML.escape(value.description) }

/// A hidden form field, escaped.
func hidden(_ name: String, _ value: String) -> String {
    #"<input type="hidden" name="\#(h(name))" value="\#(h(value))">"#
}

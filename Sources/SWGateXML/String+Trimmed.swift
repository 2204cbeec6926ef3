import Foundation

extension String {
    /// Without leading and trailing whitespace and newlines (element text read from partners'
    /// XML): the same result as Foundation's `trimmingCharacters(in: .whitespacesAndNewlines)`,
    /// which bridges through `NSString` on Linux and was ≈ 1 % of a Form D's CPU in the relay.
    /// ASCII edges are handled on the UTF-8 bytes; an edge outside ASCII (which may be a Unicode
    /// space) is left to Foundation.
    package var trimmed: String {
        var text = self
        return text.withUTF8 { utf8 -> String in
            guard let first = utf8.first, let last = utf8.last else { return "" }
            if first < 0x80 && last < 0x80 && !Self.isASCIIWhitespace(first) && !Self.isASCIIWhitespace(last) { return self }
            var start = 0
            var end = utf8.count
            while start < end && Self.isASCIIWhitespace(utf8[start]) { start += 1 }
            while end > start && Self.isASCIIWhitespace(utf8[end - 1]) { end -= 1 }
            if start < end && (utf8[start] >= 0x80 || utf8[end - 1] >= 0x80) {
                return trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return String(decoding: UnsafeBufferPointer(rebasing: utf8[start..<end]), as: UTF8.self)
        }
    }

    /// Tab, LF, VT, FF, CR and space: the ASCII members of `.whitespacesAndNewlines`.
    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }
}

extension String {
    /// Without any whitespace (base64 text read from XML, such as a digest value): the same result
    /// as `filter { !$0.isWhitespace }`, on the bytes when the text is ASCII (`Character.isWhitespace`
    /// looks up Unicode properties for every character).
    package var removingWhitespace: String {
        var text = self
        return text.withUTF8 { utf8 -> String in
            guard utf8.allSatisfy({ $0 < 0x80 }) else { return filter { !$0.isWhitespace } }
            return String(decoding: utf8.filter { !($0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D)) }, as: UTF8.self)
        }
    }
}

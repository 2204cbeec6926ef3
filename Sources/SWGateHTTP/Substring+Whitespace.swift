extension Substring {
    /// The text without leading and trailing tabs, Unicode space separators (general category Zs)
    /// and U+200B ZERO WIDTH SPACE: the same result as Foundation's
    /// `trimmingCharacters(in: .whitespaces)` (the set includes U+200B there), which bridges
    /// through `NSString` and was a measurable part of every portal request (bearer token,
    /// `Content-Type`).
    package func trimmingWhitespace() -> String {
        func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "\t" || scalar == " "
                || (scalar.value >= 0x80 && (scalar == "\u{200B}" || scalar.properties.generalCategory == .spaceSeparator))
        }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isWhitespace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isWhitespace($0) })!
        return String(scalars[first...last])
    }
}

/// Exclusive C14N's escaping (libxml2's `xmlC11NNormalizeText` and `xmlC11NNormalizeAttr`): the
/// one table for the canonicaliser, which writes it from the tree, and for text the gateway writes
/// in canonical form itself (messages signed as text).
package enum CanonicalEscaping {
    /// The replacement of `byte` in text: `&`, `<`, `>` and CR.
    @inline(__always)
    package static func text(_ byte: UInt8) -> StaticString? {
        switch byte {
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case 0x0D: "&#xD;"
        default: nil
        }
    }

    /// The replacement of `byte` in an attribute value: `&`, `<`, `"`, TAB, LF and CR.
    @inline(__always)
    package static func attribute(_ byte: UInt8) -> StaticString? {
        switch byte {
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: "\""): "&quot;"
        case 0x09: "&#x9;"
        case 0x0A: "&#xA;"
        case 0x0D: "&#xD;"
        default: nil
        }
    }

    /// `value` escaped as C14N escapes text (or, with `attribute`, an attribute value), appended
    /// to `out`.
    package static func append(_ value: String, attribute: Bool, to out: inout [UInt8]) {
        for byte in value.utf8 {
            if let replacement = attribute ? Self.attribute(byte) : text(byte) {
                out.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
            } else {
                out.append(byte)
            }
        }
    }

    /// `value` escaped as C14N escapes text (or an attribute value); `value` itself when nothing
    /// in it needs escaping.
    package static func escaped(_ value: String, attribute: Bool) -> String {
        let plain = value.utf8.allSatisfy { byte in (attribute ? Self.attribute(byte) : text(byte)) == nil }
        if plain { return value }
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count + 16)
        append(value, attribute: attribute, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

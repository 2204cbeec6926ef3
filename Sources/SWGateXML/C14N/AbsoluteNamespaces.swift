package import CLibXML2
import Foundation

/// Whether the shortened C14N walks of ``CanonicalScope`` are allowed on a document.
///
/// Besides rendering the visible nodes, libxml2's `xmlC14NExecute` checks *every* element it walks
/// for relative namespace URIs and fails the canonicalisation if it finds one (C14N requires it), even
/// on elements outside the signed data. The shortened walks (the enveloped signature unlinked, subtree
/// references started at their element) skip elements, so they are only taken when no element of the
/// document could fail that check: every namespace declaration is empty (`xmlns=""`) or of a shape
/// that is plainly absolute — `scheme://host[:port]…` or `urn:`/`dav:` — written with unreserved,
/// sub-delimiter and `:@/?#` characters only. Anything else (a relative URI, a percent escape, an
/// unusual host) makes ``CanonicalScope`` walk the whole document as libxml2 always did, so the
/// gateway accepts and refuses exactly the same documents either way.
package enum AbsoluteNamespaces {
    /// True when every namespace declaration in `document` has the plainly absolute shape above.
    package static func holdFor(_ document: DocPointer) -> Bool {
        guard let root = xmlDocGetRootElement(document) else { return true }
        var node: NodePointer? = root
        while let element = node {
            guard holdFor(declarationsOf: element) else { return false }
            node = element.nextElement(within: root)
        }
        return true
    }

    /// True when the namespace declarations on `element` itself have the plainly absolute shape.
    package static func holdFor(declarationsOf element: NodePointer) -> Bool {
        var declaration = element.pointee.nsDef
        while let ns = declaration {
            if let href = ns.pointee.href, href[0] != 0, !isPlainlyAbsolute(href) { return false }
            declaration = ns.pointee.next
        }
        return true
    }

    /// `scheme://host[:port][/?#…]` with a letters/digits/dots/hyphens host, or `urn:…`/`dav:…`.
    package static func isPlainlyAbsolute(_ href: UnsafePointer<xmlChar>) -> Bool {
        var index = 0
        guard isLetter(href[0]) else { return false }
        while isSchemeCharacter(href[index]) { index += 1 }
        guard href[index] == UInt8(ascii: ":") else { return false }
        let schemeIsURNOrDAV = index == 3
            && ((href[0] | 0x20, href[1] | 0x20, href[2] | 0x20) == (UInt8(ascii: "u"), UInt8(ascii: "r"), UInt8(ascii: "n"))
                || (href[0] | 0x20, href[1] | 0x20, href[2] | 0x20) == (UInt8(ascii: "d"), UInt8(ascii: "a"), UInt8(ascii: "v")))
        index += 1
        if schemeIsURNOrDAV {
            guard href[index] != UInt8(ascii: "/") else { return false }  // no authority form, keep it simple
        } else {
            guard href[index] == UInt8(ascii: "/"), href[index + 1] == UInt8(ascii: "/") else { return false }
            index += 2
            guard isLetter(href[index]) || isDigit(href[index]) else { return false }
            while isLetter(href[index]) || isDigit(href[index]) || href[index] == UInt8(ascii: ".") || href[index] == UInt8(ascii: "-") {
                index += 1
            }
            if href[index] == UInt8(ascii: ":") {
                index += 1
                guard isDigit(href[index]) else { return false }
                while isDigit(href[index]) { index += 1 }
            }
            guard href[index] == 0 || href[index] == UInt8(ascii: "/") || href[index] == UInt8(ascii: "?") || href[index] == UInt8(ascii: "#") else {
                return false
            }
        }
        var fragment = false
        while href[index] != 0 {
            let byte = href[index]
            if byte == UInt8(ascii: "#") {
                guard !fragment else { return false }
                fragment = true
            } else if !isPathCharacter(byte) {
                return false
            }
            index += 1
        }
        return true
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    private static func isSchemeCharacter(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    /// Unreserved, sub-delimiters, `:`, `@`, `/`, `?` (RFC 3986 pchar without percent escapes, plus
    /// the path and query separators).
    private static func isPathCharacter(_ byte: UInt8) -> Bool {
        if isLetter(byte) || isDigit(byte) { return true }
        switch byte {
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
             UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="),
             UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "/"), UInt8(ascii: "?"):
            return true
        default:
            return false
        }
    }
}

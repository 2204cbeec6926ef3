import Foundation
import SWGateHTTP
import Testing

@Suite("Whitespace trimming of header values")
struct SubstringWhitespaceTests {
    @Test(
        "Same result as Foundation's trimmingCharacters(in: .whitespaces)",
        arguments: [
            "", " ", "\t \t", "token", "  token", "token\t", " \t to ken \u{A0}", "\u{3000}全角\u{3000}", "\u{2009}x\u{202F}",
            "\n token \n", "\r\ntoken", " \u{301}x ", "x\u{200B}", "\u{1680}ogham\u{205F}", "text/xml ", " application/xml\t",
        ])
    func sameAsFoundation(_ text: String) {
        #expect(Substring(text).trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces))
        let sliced = ("[" + text + "]").dropFirst().dropLast()
        #expect(sliced.trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces))
    }

    @Test("Every Unicode space separator and the tab are trimmed; other characters are kept")
    func everySpaceSeparator() {
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(Character(scalar)) + "a" + String(Character(scalar))
            #expect(Substring(text).trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces), "U+\(String(value, radix: 16))")
        }
    }
}

@Suite("EndpointRequest.mediaType")
struct MediaTypeTests {
    func mediaType(_ value: String?) -> String? {
        EndpointRequest(method: "POST", path: "/", headers: value.map { ["content-type": $0] } ?? [:]).mediaType
    }

    @Test("Parameters and case are dropped; empty and parameters-only values give an empty type")
    func parsing() {
        #expect(mediaType("Text/XML; charset=utf-8") == "text/xml")
        #expect(mediaType(" application/soap+xml ;action=x") == "application/soap+xml")
        #expect(mediaType(nil) == nil)
        for malformed in ["", ";", ";;", " ; charset=utf-8", "\t"] {
            #expect(mediaType(malformed) == "", "\"\(malformed)\"")
        }
    }
}

import Foundation
@testable import SWGateSecurity
import Testing

/// The base64 decoder of DigestValue, SignatureValue and certificates, against Foundation's
/// (whitespace removed first) on valid and broken input; stricter than Foundation on padding.
@Suite struct Base64Tests {
    static func foundation(_ text: String) -> [UInt8]? {
        let compact = text.utf8.filter { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        return Data(base64Encoded: Data(compact)).map { [UInt8]($0) }
    }

    @Test("Every length of random bytes round-trips, also wrapped in lines and spaces")
    func roundTrips() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<80 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = Base64.encode(bytes)
            #expect(Base64.decode(encoded) == bytes)
            var wrapped = ""
            for (index, character) in encoded.enumerated() {
                wrapped.append(character)
                if index % 7 == 6 { wrapped += index % 2 == 0 ? "\n" : " \t\r\n" }
            }
            #expect(Base64.decode("\n  " + wrapped + "\n") == bytes)
        }
    }

    @Test("Input Foundation refuses is refused too",
          arguments: ["A", "AB", "ABC", "A===", "=AAA", "A=AA", "AB=", "AB==C", "AB==AB==", "AB*D", "AB-_", "ABCD\u{0}", "ÀBCD", "AB\u{0B}CD"])
    func refusesLikeFoundation(_ text: String) {
        #expect(Self.foundation(text) == nil)
        #expect(Base64.decode(text) == nil, "\(text.debugDescription)")
    }

    @Test("Padding that is not one or two '=' ending the last group is refused (Foundation lets it pass)",
          arguments: ["====", "AB=C", "ABC==", "AB===", "ABCD=", "ABCD===="])
    func refusesMalformedPadding(_ text: String) {
        #expect(Base64.decode(text) == nil, "\(text.debugDescription)")
    }

    @Test("Valid input decodes as Foundation decodes it", arguments: ["QUJD", "QUI=", "QQ==", "QQ ==", "", "  ", "QU\nJD\r\n"])
    func acceptsLikeFoundation(_ text: String) {
        #expect(Base64.decode(text) != nil)
        #expect(Base64.decode(text) == Self.foundation(text), "\(text.debugDescription)")
    }
}

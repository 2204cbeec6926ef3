import Foundation
import SWGateAS4
import SWGateSecurity
import SWGateTesting
import SWGateXML
import Testing

@Suite("XMLText dates and trimming: the bytes Foundation would give, zones honoured")
struct XMLTextDateTimeTests {
    static let foundationStyle = Date.ISO8601FormatStyle.iso8601.year().month().day().time(includingFractionalSeconds: true)
        .timeZone(separator: .omitted)

    @Test("dateTime writes what Foundation's ISO 8601 style writes, milliseconds truncated")
    func formatMatchesFoundation() {
        var generator = SystemRandomNumberGenerator()
        // Whole milliseconds from 1970 to 2100, and a few instants around the edges of days, leap days and the epoch.
        var instants: [Double] = [0, 0.999, 86_399.5, 951_782_400.25, 951_868_799.999, 4_107_542_399.5, -0.5, -86_400.25]
        for _ in 0..<2_000 { instants.append(Double(Int64.random(in: 0..<4_102_444_800_000, using: &generator)) / 1000 + 0.0004) }
        for instant in instants {
            let date = Date(timeIntervalSince1970: instant)
            #expect(XMLText.dateTime(date) == date.formatted(Self.foundationStyle), "\(instant)")
        }
        #expect(XMLText.dateTime(Date(timeIntervalSince1970: 1_796_556_773.1239)) == "2026-12-06T11:32:53.123Z")
    }

    @Test("parseDateTime reads Z and offsets at their instant, with or without a fraction")
    func parsesZonesAndFractions() throws {
        let utc = 1_796_556_773.0  // 2026-12-06T11:32:53Z
        let cases: [(String, Double)] = [
            ("2026-12-06T11:32:53Z", utc),
            ("2026-12-06T11:32:53.123Z", utc + 0.123),
            ("2026-12-06T11:32:53.1234567Z", utc + 0.1234567),
            ("2026-12-06T18:32:53.5+07:00", utc + 0.5),
            ("2026-12-06T18:32:53+0700", utc),
            ("2026-12-06T08:02:53.12-03:30", utc + 0.12),
            ("  2026-12-06T11:32:53Z\n", utc),
            ("2024-02-29T00:00:00Z", 1_709_164_800),
            ("2026-12-07T01:32:53+14:00", utc),
        ]
        for (text, expected) in cases {
            let date = try #require(XMLText.parseDateTime(text), "\(text)")
            #expect(abs(date.timeIntervalSince1970 - expected) < 0.000_001, "\(text): \(date.timeIntervalSince1970)")
        }
    }

    @Test("parseDateTime refuses impossible fields and what is not a dateTime")
    func refusesWhatIsNotADateTime() {
        for text in [
            "", "2026-12-06", "2026-13-06T11:32:53Z", "2026-02-29T11:32:53Z", "2026-12-32T11:32:53Z", "2026-12-06T25:32:53Z",
            "2026-12-06T11:60:53Z", "2026-12-06 11:32:53Z", "2026-12-06T11:32:53.Z", "2026-12-06T11:32:53+15:00", "2026-12-06T11:32:53Zjunk",
            "tomorrow",
        ] {
            #expect(XMLText.parseDateTime(text) == nil, "\(text)")
        }
    }

    @Test("A written dateTime reads back as the same millisecond")
    func roundTrip() throws {
        let date = Date(timeIntervalSince1970: 1_796_556_773.456)
        let read = try #require(XMLText.parseDateTime(XMLText.dateTime(date)))
        #expect(abs(read.timeIntervalSince(date)) < 0.001)
    }

    @Test("trimmed gives what Foundation's trimmingCharacters(in: .whitespacesAndNewlines) gives, Unicode spaces included")
    func trimmedMatchesFoundation() {
        let texts = [
            "", " ", "\t\n\r\u{0B}\u{0C} ", "VN-2026-0001234", "  padded  ", "\nNSW-VN\n", "inner  space", "\u{00A0}nbsp\u{00A0}",
            " \u{2003}em\u{2003} ", "\u{0085}next line\u{0085}", "é", " é ", "\u{200B}zero width\u{200B}", "日本 ", " \u{3000}ideographic",
        ]
        for text in texts {
            #expect(text.trimmed == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(Array(text.unicodeScalars))")
        }
    }
}

extension XMLTextDateTimeTests {
    @Test("removingWhitespace gives what filter { !$0.isWhitespace } gives")
    func removingWhitespaceMatchesCharacterFilter() {
        for text in ["", "abc", " a b\tc\nd\re ", "ZGln\nZXN0\r\n", "\u{00A0}nb\u{2003}sp\u{0085}", "é è", "\u{0B}\u{0C}x"] {
            #expect(text.removingWhitespace == String(text.filter { !$0.isWhitespace }), "\(Array(text.unicodeScalars))")
        }
    }
}

@Suite("Signed messages are serialised directly, as libxml2 would write them")
struct SignedMessageSerializationTests {
    let services = TestPKI.services

    @Test("The signed NSW envelope, the signed AS4 message and the signed AS4 receipt: written directly, libxml2's bytes, and they verify")
    func signedMessages() throws {
        let nsw = try services.signFormDForNSW(TestPKI.formD)
        let as4 = try services.signFormDForAS4(TestPKI.formD)
        let receipt = try services.signedReceipt(for: services.verifyAS4Message(as4))
        for message in [nsw, as4, receipt] {
            let document = try XMLDocument(bytes: message)
            let direct = document.directlySerialized()
            #expect(direct != nil)
            #expect(direct == document.libxml2Serialized(), "\(String(decoding: direct ?? [], as: UTF8.self).prefix(200))")
        }
        _ = try services.verifyNSWEnvelope(nsw)
        _ = try services.verifyAS4Message(receipt, partner: "VN")
    }
}

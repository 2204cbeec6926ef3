import Foundation
import SWGateStore
import Testing

@testable import SWGateDelivery

@Suite("Answer callback body written without JSONEncoder")
struct AnswerCallbackJSONTests {
    private func delivery(messageID: String, conversation: String) -> ClaimedDelivery {
        ClaimedDelivery(
            deliveryID: 7, messageID: messageID, wireMessageID: "6f1c2a8e-3d4b-4c5d-9e6f-7a8b9c0d1e2f", destination: "nsw",
            conversation: conversation, function: MessageFunction("ISSUE"), payload: Data(), contentType: "application/xml", attempt: 1,
            acceptedAt: Date(), budgetStartedAt: Date(), owner: "test", leaseExpiresAt: Date())
    }

    @Test("byte for byte what JSONEncoder writes (sorted keys, slashes unescaped), with and without a document and a reason")
    func sameAsEncoder() throws {
        let signed = Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let answers = [
            PartnerAnswer(
                event: .received, status: "RECEIVED", document: Receipt(contentType: "application/vnd.swgate.nsw-envelope+xml", body: signed)),
            PartnerAnswer(event: .accepted, status: "RECEIPT", reason: "a\"b\\c/d\ttab\nnew\rline\u{08}\u{0C}\u{01}\u{1F} ünïcödé 🙂"),
            PartnerAnswer(event: .rejected, status: "REJECTED", reason: nil, document: Receipt(contentType: "text/xml", body: Data())),
        ]
        for answer in answers {
            for (id, conversation) in [("01J9Z6ZQ6Y3W8Q4H2M1N0P9R8S", "VN-ID 26/04/000457"), ("quote\"slash/", "\u{7F}é\\")] {
                let callback = AnswerCallback(answer: answer, to: delivery(messageID: id, conversation: conversation), at: Date())
                #expect(callback.json == callback.encoderJSON, "\(String(decoding: callback.json, as: UTF8.self))")
                #expect(try JSONSerialization.jsonObject(with: callback.json) is [String: Any])
            }
        }
    }

    /// The escaping scans eight bytes at a time: a character to escape must be found in every
    /// position of a word and in the bytes after the last whole word.
    @Test("every character JSON escapes, at every position of strings of 0 to 24 bytes, as JSONEncoder writes it")
    func escapesAtEveryPosition() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        for special in ["\"", "\\", "\n", "\u{01}", "\u{1F}", "é"] {
            for length in 0...24 {
                for position in 0..<max(length, 1) {
                    var characters = Array(repeating: "a", count: length)
                    if length > 0 { characters[position] = special }
                    let value = characters.joined()
                    var out: [UInt8] = []
                    JSONText.append(value, to: &out)
                    #expect(out == Array(try encoder.encode(value)), "\(value.debugDescription)")
                }
            }
        }
    }

    @Test("an answer with errors still goes through the encoder")
    func errorsUseTheEncoder() {
        let answer = PartnerAnswer(
            event: .rejected, status: "REJECTED", reason: "bad", errors: [PartnerAnswer.Failure(code: "E1", message: "m", path: "/a/b")])
        let callback = AnswerCallback(answer: answer, to: delivery(messageID: "x", conversation: "y"), at: Date())
        #expect(callback.json == callback.encoderJSON)
    }

    @Test("base64 written into the JSON is what Data.base64EncodedString() writes, for every length 0 to 300 and a large document")
    func base64AsFoundation() {
        var generator = SystemRandomNumberGenerator()
        var lengths = Array(0...300)
        lengths.append(100_003)
        for length in lengths {
            let data = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
            var out: [UInt8] = Array("prefix".utf8)
            Base64Text.append(data, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == "prefix" + data.base64EncodedString(), "length \(length)")
        }
        // Every byte value in every position of a group of three.
        let all = Data((0..<768).map { UInt8(truncatingIfNeeded: $0 / 3) ^ UInt8(truncatingIfNeeded: $0) })
        var out: [UInt8] = []
        Base64Text.append(all, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == all.base64EncodedString())
    }
}

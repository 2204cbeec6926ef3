import Foundation
import SWGateDomain
@testable import SWGateServer
import Testing

@Suite("202 body written without JSONEncoder")
struct AcceptedBodyTests {
    @Test("byte for byte what JSON.encode writes (sorted keys, slashes unescaped), for plain and awkward strings")
    func sameAsEncoder() throws {
        let samples = [
            DocumentIntake.Accepted(
                id: "01J9Z6ZQ6Y3W8Q4H2M1N0P9R8S", messageId: "6f1c2a8e-3d4b-4c5d-9e6f-7a8b9c0d1e2f", status: "accepted",
                destinations: ["nsw", "asw"], duplicate: false),
            DocumentIntake.Accepted(
                id: "a\"b\\c/d", messageId: "tab\there\nnew\rline\u{08}\u{0C}\u{01}\u{1F}", status: "accepted",
                destinations: ["portal", "ünïcödé/🙂", ""], duplicate: true),
            DocumentIntake.Accepted(id: "x", messageId: "y", status: "accepted", destinations: [], duplicate: false),
        ]
        for accepted in samples {
            #expect(accepted.json == JSON.encode(accepted), "\(String(decoding: accepted.json, as: UTF8.self))")
            let decoded = try #require(try JSONSerialization.jsonObject(with: Data(accepted.json)) as? [String: Any])
            #expect(decoded["id"] as? String == accepted.id)
            #expect(decoded["messageId"] as? String == accepted.messageId)
            #expect(decoded["destinations"] as? [String] == accepted.destinations)
        }
    }
}

@Suite("Stored summary written without JSONEncoder")
struct SummaryJSONTests {
    @Test("byte for byte what JSONEncoder with sorted keys writes (absent optionals left out, slashes escaped), and it decodes back")
    func sameAsEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let samples = [
            DocumentSummary(
                documentType: "ATIGA-FORM-D", reference: "VN-ID 26/04/000457", function: "ISSUE", issueDate: "2026-04-01", issuingCountry: "VN",
                importingCountry: "ID"),
            DocumentSummary(
                documentType: "IMPORT-EXPORT-LICENCE", reference: "L/1", function: "AMEND", replaces: "L/0", issueDate: "2026-04-01",
                issuingCountry: "VN"),
            DocumentSummary(
                documentType: "a\"b\\c", reference: "tab\there\nnew\rline\u{08}\u{0C}\u{01}\u{1F}", function: "ünïcödé 🙂", replaces: "",
                issueDate: "", issuingCountry: "", importingCountry: "\u{7F}"),
        ]
        for summary in samples {
            let direct = DocumentIntake.summaryJSON(summary)
            #expect(direct == (try encoder.encode(summary)), "\(String(decoding: direct, as: UTF8.self))")
            #expect(try JSONDecoder().decode(DocumentSummary.self, from: direct) == summary)
            // Read back without the decoder where it can be (no \u escapes), else left to it.
            let hasUnicodeEscape = String(decoding: direct, as: UTF8.self).contains("\\u")
            #expect(DocumentSummary(storedJSON: direct) == (hasUnicodeEscape ? nil : summary))
        }
    }

    @Test("The stored summary reader takes what JSONDecoder takes for this shape, and refuses everything else")
    func storedReader() throws {
        let full = DocumentSummary(
            documentType: "ATIGA-FORM-D", reference: "VN-ID 26/04/000457", function: "ISSUE", replaces: "VN-ID 26/04/000456",
            issueDate: "2026-04-01", issuingCountry: "VN", importingCountry: "ID")
        let accepted: [(String, DocumentSummary)] = [
            (#"{"documentType":"ATIGA-FORM-D","function":"ISSUE","importingCountry":"ID","issueDate":"2026-04-01","issuingCountry":"VN","reference":"VN-ID 26\/04\/000457","replaces":"VN-ID 26\/04\/000456"}"#, full),
            (#" { "reference" : "VN-ID 26/04/000457", "documentType":"ATIGA-FORM-D", "function":"ISSUE", "replaces":"VN-ID 26/04/000456", "issueDate":"2026-04-01","issuingCountry":"VN","importingCountry":"ID", "extra": "ignored" } "#, full),
            (#"{"documentType":"T","function":"F","issueDate":"","issuingCountry":"VN","reference":"a\"b\\c\nd","replaces":null}"#,
             DocumentSummary(documentType: "T", reference: "a\"b\\c\nd", function: "F", issueDate: "", issuingCountry: "VN")),
        ]
        for (json, expected) in accepted {
            let data = Data(json.utf8)
            #expect(try JSONDecoder().decode(DocumentSummary.self, from: data) == expected)
            #expect(DocumentSummary(storedJSON: data) == expected, "\(json)")
        }
        let refused = [
            "", "{", "[]", "{}", #"{"documentType":"T"}"#,  // required fields missing
            #"{"documentType":"T","function":"F","issueDate":"","issuingCountry":"VN","reference":"R"} x"#,  // trailing text
            #"{"documentType":"T","function":"F","issueDate":"","issuingCountry":"VN","reference":"R","reference":"S"}"#,  // repeated key
            #"{"documentType":"T","function":"F","issueDate":"","issuingCountry":"VN","reference":1}"#,  // not a string
            #"{"documentType":"T","function":"F","issueDate":"","issuingCountry":"VN","reference":"\u0041"}"#,  // \u: left to the decoder
            "{\"documentType\":\"T\u{01}\",\"function\":\"F\",\"issueDate\":\"\",\"issuingCountry\":\"VN\",\"reference\":\"R\"}",  // raw control character
            #"{"documentType":"T","function":"F","issueDate":"","issuingCountry":"VN","reference":"R"#,  // cut off
        ]
        for json in refused {
            #expect(DocumentSummary(storedJSON: Data(json.utf8)) == nil, "\(json)")
        }
    }
}

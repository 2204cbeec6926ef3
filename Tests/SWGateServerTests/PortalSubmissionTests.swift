import Foundation
import NIOHTTP1
import SWGateDomain
import SWGateServer
import SWGateStore
import Testing

@Suite("Portal API: POST /v1/certificates")
struct PortalSubmissionTests {
    @Test("202 only after enqueue, with {id, messageId, status, destinations}; the store holds one unsigned Form D per destination")
    func accepted() async throws {
        let harness = try await PortalHarness.start()
        let result = try await harness.client.submit(try FormDSamples.valid)
        #expect(result.status == 202)
        #expect(result.headers["content-type"] == "application/json")
        let json = result.json
        #expect(Set(json.keys) == ["id", "messageId", "status", "destinations"])
        #expect(json["status"] as? String == "accepted")
        #expect(json["destinations"] as? [String] == ["nsw", "asw"])
        let id = try #require(json["id"] as? String)
        let record = try #require(try await harness.store.message(id: id))
        #expect(record.wireMessageID == json["messageId"] as? String)
        #expect(record.conversation == "VN-TH 26/03/000123")
        #expect(record.deliveries.map(\.destination).sorted() == ["asw", "nsw"])
        #expect(record.deliveries.allSatisfy { $0.contentType == "application/vnd.swgate.form-d+xml" && $0.state == .pending })
        await harness.stop()
    }

    @Test("400 problem+json lists every validation failure with rule, message, path, line and column")
    func invalid() async throws {
        let harness = try await PortalHarness.start()
        let text = try FormDSamples.replacing("<ImportingCountry>TH</ImportingCountry>", with: "<ImportingCountry>VN</ImportingCountry>")
        let bad = Array(String(decoding: text, as: UTF8.self).replacingOccurrences(of: "<HSCode>03061711</HSCode>", with: "<HSCode>0306</HSCode>").utf8)
        let result = try await harness.client.submit(bad)
        #expect(result.status == 400)
        #expect(result.headers["content-type"] == "application/problem+json")
        let json = result.json
        #expect(json["status"] as? Int == 400)
        #expect(json["type"] as? String == "urn:swgate:problem:invalid-document")
        #expect(json["title"] != nil && json["detail"] != nil)
        let errors = try #require(json["errors"] as? [[String: Any]])
        #expect(errors.count >= 2)
        let rules = Set(errors.compactMap { $0["rule"] as? String })
        #expect(rules.contains("FD-COUNTRY-DIFFER"))
        for error in errors {
            #expect(Set(error.keys) == ["rule", "message", "path", "line", "column"])
            #expect((error["line"] as? Int ?? 0) > 0)
        }
        let malformed = try await harness.client.submit(Array("<FormD".utf8))
        #expect(malformed.status == 400)
        #expect((malformed.json["errors"] as? [[String: Any]])?.first?["rule"] as? String == "XML-MALFORMED")
        #expect(try await harness.store.stats().messageCount == 0)
        await harness.stop()
    }

    @Test("401 without or with an unknown token, 403 for a client without submit permission; nothing stored")
    func authentication() async throws {
        let harness = try await PortalHarness.start()
        let missing = try await harness.client.submit(try FormDSamples.valid, token: nil)
        #expect(missing.status == 401)
        #expect(missing.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        #expect(missing.headers["content-type"] == "application/problem+json")
        #expect(try await harness.client.submit(try FormDSamples.valid, token: "swgate-dev-tokeN").status == 401)
        #expect(try await harness.client.send(.POST, "/v1/certificates", headers: [("Authorization", "Basic abc")], body: try FormDSamples.valid).status == 401)
        let forbidden = try await harness.client.submit(try FormDSamples.valid, token: DevelopmentToken.reader)
        #expect(forbidden.status == 403)
        #expect(forbidden.json["type"] as? String == "urn:swgate:problem:forbidden")
        #expect(try await harness.store.stats().messageCount == 0)
        await harness.stop()
    }

    @Test("415 for a media type other than application/xml or text/xml; text/xml with charset is fine")
    func mediaType() async throws {
        let harness = try await PortalHarness.start()
        let json = try await harness.client.submit(try FormDSamples.valid, type: "application/json")
        #expect(json.status == 415)
        #expect(json.headers["content-type"] == "application/problem+json")
        #expect(try await harness.client.send(.POST, "/v1/certificates", headers: [("Authorization", "Bearer \(DevelopmentToken.submitter)")], body: try FormDSamples.valid).status == 415)
        // Empty or parameters-only values are a 415 like any other wrong type, and the listener lives on.
        for malformed in ["", ";", " ; charset=utf-8", ";;"] {
            let refused = try await harness.client.submit(try FormDSamples.valid, type: malformed)
            #expect(refused.status == 415, "Content-Type \"\(malformed)\"")
            #expect(refused.text.contains("not a missing or empty Content-Type"), "\(refused.text)")
        }
        #expect(try await harness.client.submit(try FormDSamples.valid, type: "text/xml; charset=utf-8").status == 202)
        await harness.stop()
    }

    @Test("413 problem+json above the document limit and above the listener's body limit")
    func tooLarge() async throws {
        let harness = try await PortalHarness.start(hostLimit: 64 * 1024, documentLimit: 8 * 1024)
        let padded = try FormDSamples.replacing("<Function>ISSUE</Function>", with: "<!--" + String(repeating: "x", count: 10_000) + "--><Function>ISSUE</Function>")
        let overDocument = try await harness.client.submit(padded)
        #expect(overDocument.status == 413)
        #expect(overDocument.json["type"] as? String == "urn:swgate:problem:too-large")
        let overHost = try await harness.client.submit(Array(repeating: 0x20, count: 100 * 1024))
        #expect(overHost.status == 413)
        #expect(overHost.headers["content-type"] == "application/problem+json")
        #expect(try await harness.store.stats().messageCount == 0)
        await harness.stop()
    }

    @Test("Idempotency-Key: same key and content → the original 202; same key, other content → 409")
    func idempotency() async throws {
        let harness = try await PortalHarness.start()
        let first = try await harness.client.submit(try FormDSamples.valid, key: "k-1")
        #expect(first.status == 202)
        let again = try await harness.client.submit(try FormDSamples.valid, key: "k-1")
        #expect(again.status == 202)
        #expect(again.body == first.body)
        let other = try await harness.client.submit(try FormDSamples.withReference("VN-TH 26/03/000999"), key: "k-1")
        #expect(other.status == 409)
        #expect(other.json["type"] as? String == "urn:swgate:problem:idempotency-conflict")
        #expect(try await harness.store.stats().messageCount == 1)
        await harness.stop()
    }

    @Test("Same C/O reference accepted again: same content → the original answer; different content → 409")
    func referenceConflict() async throws {
        let harness = try await PortalHarness.start()
        let first = try await harness.client.submit(try FormDSamples.valid)
        #expect(first.status == 202)
        let repeatNoKey = try await harness.client.submit(try FormDSamples.valid)
        #expect(repeatNoKey.status == 202)
        #expect(repeatNoKey.json["id"] as? String == first.json["id"] as? String)
        let changed = try FormDSamples.replacing("size 16/20", with: "size 21/25")
        let conflict = try await harness.client.submit(changed)
        #expect(conflict.status == 409)
        #expect(conflict.json["type"] as? String == "urn:swgate:problem:reference-conflict")
        let conflictWithKey = try await harness.client.submit(changed, key: "fresh-key")
        #expect(conflictWithKey.status == 409)
        #expect(try await harness.client.submit(try FormDSamples.withReference("VN-TH 26/03/000124")).status == 202)
        #expect(try await harness.store.stats().messageCount == 2)
        await harness.stop()
    }
}

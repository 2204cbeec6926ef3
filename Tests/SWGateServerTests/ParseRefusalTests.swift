import NIOHTTP1
import SWGateStore
import Foundation
import SWGateTesting
import Testing

@Suite("Problem details name the real reason a document was refused", .serialized)
struct ParseRefusalTests {
    @Test("A DOCTYPE is reported as a forbidden DOCTYPE, not as XML that is not well-formed")
    func doctype() async throws {
        let harness = try await PortalHarness.start()
        let result = try await harness.client.submit(try Fixtures.bytes("hostile/external-dtd.xml"))
        #expect(result.status == 400)
        #expect(result.json["type"] as? String == "urn:swgate:problem:doctype-forbidden")
        #expect(result.json["title"] as? String == "DOCTYPE declarations are not allowed")
        #expect((result.json["detail"] as? String)?.contains("DOCTYPE") == true, "\(result.text)")
        #expect(!result.text.contains("not well-formed"))
        #expect((result.json["errors"] as? [[String: Any]])?.first?["rule"] as? String == "XML-DTD-FORBIDDEN")
        #expect(try await harness.store.stats().messageCount == 0)
        await harness.stop()
    }

    @Test("Nesting deeper than the limit is reported as an XML limit, naming the depth")
    func depth() async throws {
        let harness = try await PortalHarness.start()
        let deep = "<FormD xmlns=\"urn:swgate:atiga:form-d:1\">" + String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100) + "</FormD>"
        let result = try await harness.client.submit(Array(deep.utf8))
        #expect(result.status == 400)
        #expect(result.json["type"] as? String == "urn:swgate:problem:xml-limit-exceeded")
        #expect((result.json["detail"] as? String)?.contains("64") == true, "\(result.text)")
        #expect(!result.text.contains("not well-formed"))
        #expect((result.json["errors"] as? [[String: Any]])?.first?["rule"] as? String == "XML-TOO-DEEP")
        await harness.stop()
    }

    @Test("Broken XML is still reported as not well-formed")
    func malformed() async throws {
        let harness = try await PortalHarness.start()
        let result = try await harness.client.submit(Array("<FormD".utf8))
        #expect(result.status == 400)
        #expect(result.json["type"] as? String == "urn:swgate:problem:not-well-formed")
        #expect(result.json["title"] as? String == "The body is not well-formed XML")
        await harness.stop()
    }
}

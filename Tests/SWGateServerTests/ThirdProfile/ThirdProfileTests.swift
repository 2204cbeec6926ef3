import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SWGateServer
import SWGateTesting
import Testing

@testable import SWGateChannels
@testable import SWGateNSW
@testable import SWGateAS4

/// The proof that adding a document type is adding a profile: the phytosanitary certificate of
/// `PhytosanitaryProfile` (this folder only) is validated, routed, signed and delivered to both
/// partners by a gateway that was only given the profile and a routing rule.
@Suite("A third document type defined in test code, end to end", .serialized)
struct ThirdProfileTests {
    @Test("Validated (its own rule reported like Form D's), routed by its type, signed and delivered to the NSW and over AS4")
    func endToEnd() async throws {
        let schemaDirectory = try TemporaryDirectory()
        defer { schemaDirectory.remove() }
        let profile = try PhytosanitaryProfile.profile(directory: schemaDirectory.url.path)
        let gateway = try await PartnerGateway.start(profiles: [profile]) {
            $0.routes = [RoutingRule(source: "portal", documentType: PhytosanitaryProfile.documentType, destinations: ["nsw", "asw"])]
        }
        let (client, partners) = (gateway.client, gateway.partners)

        let invalid = try await gateway.submit(PhytosanitaryProfile.certificate("PC-2026-0001", destination: "VN"))
        #expect(invalid.status == 400)
        #expect((invalid.json["errors"] as? [[String: Any]])?.first?["rule"] as? String == "PHY-DESTINATION", "\(invalid.text)")

        let accepted = try await gateway.submit(PhytosanitaryProfile.certificate("PC-2026-0002"))
        #expect(accepted.status == 202, "\(accepted.text)")
        #expect(accepted.json["destinations"] as? [String] == ["nsw", "asw"])
        let id = try #require(accepted.json["id"] as? String)
        let messageId = try #require(accepted.json["messageId"] as? String)
        #expect(try await eventually { try await client.get("/v1/messages/\(id)").json["status"] as? String == "delivered" })
        // Both partners verified the gateway's signatures before acknowledging.
        #expect(await partners.nsw.state.received == [messageId])
        #expect(await partners.asw.state.received == [AS4Signals.messageId(forWireMessageID: messageId)])
        let nswText = String(decoding: try #require(await partners.nsw.state.lastRequestBody), as: UTF8.self)
        #expect(nswText.contains("<documentType>PHYTOSANITARY</documentType><type>PC</type>"))
        #expect(nswText.contains("PhytoCertificate"))
        let aswText = String(decoding: try #require(await partners.asw.state.lastRequestBody), as: UTF8.self)
        #expect(aswText.contains("<eb:Action>SubmitPhyto</eb:Action>"))
        await gateway.stop()
    }
}

import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SWGateDomain
import SWGateHTTP
import SWGateSecurity
import SWGateServer
import SWGateStore
import SWGateTesting
import SWGateXML
import Synchronization
import Testing

@testable import SWGateAS4
@testable import SWGateChannels
@testable import SWGateNSW

@Suite("The import/export licence, end to end", .serialized)
struct LicenceEndToEndTests {
    static var licence: [UInt8] { get throws { try Fixtures.bytes("licence/valid/licence-export-precursors.xml") } }

    @Test("A licence goes portal → NSW only, signed (xmlsec1 verifies both signatures); customs' STATUS comes back to the portal")
    func toNSWAndStatusBack() async throws {
        let harness = try await PartnerGateway.start()
        let accepted = try await harness.submit(try Self.licence)
        #expect(accepted.status == 202, "\(accepted.text)")
        #expect(accepted.json["destinations"] as? [String] == ["nsw"])
        let id = try #require(accepted.json["id"] as? String)
        let messageId = try #require(accepted.json["messageId"] as? String)
        #expect(try await eventually { try await harness.client.get("/v1/messages/\(id)").json["status"] as? String == "delivered" })
        #expect(await harness.partners.nsw.state.received == [messageId])
        #expect(await harness.partners.asw.state.requestCount == 0, "a licence never reaches the ASW")

        // What the NSW received: an NSW envelope announcing the licence, both signatures verifiable by xmlsec1.
        let soap = try #require(await harness.partners.nsw.state.lastRequestBody)
        guard case .element(let envelopeElement) = try SOAP11.content(of: XMLDocument(bytes: soap)) else {
            Issue.record("no NSW envelope in the SOAP body")
            return
        }
        let envelope = envelopeElement.serializedAsDocument()
        let text = String(decoding: envelope, as: UTF8.self)
        #expect(text.contains("<documentType>IMPORT_EXPORT_LICENCE</documentType><type>LIC</type>"))
        #expect(text.contains("<reference>BCT-GP 2026/XK-000457</reference>"))
        let file = try harness.directory.write("licence-envelope.xml", envelope)
        let ca = certificatesDirectory + "/ca.pem"
        let content = try await CommandRunner.run(
            "/usr/bin/xmlsec1",
            [
                "--verify", "--trusted-pem", ca, "--id-attr:Id", "urn:swgate:nsw:envelope:1:Content",
                "--node-xpath", "//*[local-name()='Body']/*[local-name()='Signature']", file,
            ])
        #expect(content.status == 0, "\(content.standardError)")
        let system = try await CommandRunner.run(
            "/usr/bin/xmlsec1",
            ["--verify", "--trusted-pem", ca, "--node-xpath", "//*[local-name()='SystemSignature']/*[local-name()='Signature']", file])
        #expect(system.status == 0, "\(system.standardError)")

        // Customs used the licence: its STATUS reaches the portal through /nsw and the routing table.
        let nswKeys = try SimulatedPartner.nsw.developmentSecurity(certificates: certificatesDirectory)
        let status = NSWAcknowledgement(
            function: "STATUS", refMessageId: messageId, reference: "BCT-GP 2026/XK-000457", status: "QUANTITIES_CLEARED",
            reason: "2.5 TNE of line 1 cleared at Cat Lai")
        let signedStatus = try nswKeys.signNSWEnvelope(status.envelope(from: nswKeys.configuration.localParty, to: nswKeys.configuration.nswParty))
        let answered = try await harness.client.send(
            .POST, "/nsw", headers: [("Content-Type", "text/xml; charset=utf-8")], body: SOAP11.envelope(containing: signedStatus))
        #expect(answered.status == 200, "\(answered.text)")
        let forwarded = try await eventually {
            harness.partners.callback.bodies.withLock { bodies in
                bodies.contains { String(decoding: $0.body, as: UTF8.self).contains("QUANTITIES_CLEARED") }
            }
        }
        #expect(forwarded, "the STATUS reached the portal callback")
        await harness.stop()
    }

    @Test("A licence routed to an AS4 destination is refused with 422 and nothing is stored; /v1/certificates refuses a licence")
    func neverOverAS4() async throws {
        let harness = try await PartnerGateway.start { configuration in
            configuration.routes = [
                RoutingRule(source: "portal", documentType: DocumentProfile.licenceType, destinations: ["nsw", "asw"]),
                RoutingRule(source: "nsw", destinations: ["portal"]),
            ]
        }
        let refused = try await harness.submit(try Self.licence)
        #expect(refused.status == 422, "\(refused.text)")
        #expect((refused.json["detail"] as? String)?.contains("AS4") == true || (refused.json["detail"] as? String)?.contains("as4") == true)
        let wrongRoute = try await harness.submit(try Self.licence, path: "/v1/certificates")
        #expect(wrongRoute.status == 400)
        #expect((wrongRoute.json["detail"] as? String)?.contains("FormD") == true, "\(wrongRoute.text)")
        #expect(try await harness.server.store.stats().messageCount == 0)
        await harness.stop()
    }

    @Test(
        "A second AS4 partner is configuration: destination 'asw-my' of kind as4 and partner MY gets the Form D for Malaysia addressed to MY, and its receipt is verified as MY's"
    )
    func secondAS4Partner() async throws {
        // Malaysia's access point signs with a key of the development PKI that the gateway binds to
        // MY and not to TH (the NSW's key, for this test): a receipt judged as TH's would not verify.
        var malaysia = SimulatedPartner.asw.developmentConfiguration(certificates: certificatesDirectory)
        malaysia.systemKey = KeySource(keyPath: certificatesDirectory + "/nsw.key", certificatePath: certificatesDirectory + "/nsw.pem")
        let second = ASWSimulator(security: try SecurityServices(configuration: malaysia))
        let (secondPort, secondTask) = try await startHost(EndpointHost(routes: [.init("/", second)]))
        defer { secondTask.cancel() }
        let harness = try await PartnerGateway.start { configuration in
            var security = SecurityConfiguration.development(directory: certificatesDirectory)
            security.partners.append(PartnerConfiguration(id: "MY", certificateFiles: [certificatesDirectory + "/nsw.pem"]))
            configuration.security = security
            var destination = GatewayConfiguration.Destination(kind: .as4, url: "http://127.0.0.1:\(secondPort)/as4", partner: "MY")
            destination.timeout = .seconds(10)
            configuration.destinations["asw-my"] = destination
            configuration.routes = [RoutingRule(source: "portal", importingCountry: "MY", destinations: ["asw-my"])]
        }
        let formD = try Fixtures.text("valid/formd-single-item.xml")
            .replacingOccurrences(of: "VN-TH 26/03/000123", with: "VN-MY 26/03/000910")
            .replacingOccurrences(of: "<ImportingCountry>TH</ImportingCountry>", with: "<ImportingCountry>MY</ImportingCountry>")
            .replacingOccurrences(of: "<Country>TH</Country>", with: "<Country>MY</Country>")
        let accepted = try await harness.client.submit(Array(formD.utf8))
        #expect(accepted.status == 202, "\(accepted.text)")
        #expect(accepted.json["destinations"] as? [String] == ["asw-my"])
        let id = try #require(accepted.json["id"] as? String)
        // Delivered: the receipt was signed by the key bound to MY.
        #expect(try await eventually { try await harness.client.get("/v1/messages/\(id)").json["status"] as? String == "delivered" })
        #expect(await second.state.received.count == 1)
        #expect(await harness.partners.asw.state.requestCount == 0)
        // On the wire: the user message is addressed to MY.
        let wire = try XMLDocument(bytes: try #require(await second.state.lastRequestBody))
        let party = AS4Signals.messaging(wire.root)?.child("UserMessage")?.child("PartyInfo")
        #expect(party?.child("To")?.child("PartyId")?.text == "MY")
        #expect(party?.child("From")?.child("PartyId")?.text == "VN")
        await harness.stop()
    }
}

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

@Suite("Inbound messages are routed by the routing table", .serialized)
struct InboundRoutingTests {
    static let nsw: SecurityServices = try! SimulatedPartner.nsw.developmentSecurity(certificates: certificatesDirectory)
    static let asw: SecurityServices = try! SimulatedPartner.asw.developmentSecurity(certificates: certificatesDirectory)

    /// Portal submissions as by default; nothing for sources `nsw` and `asw` unless `inbound` is given.
    static func routes(inbound: [RoutingRule]) -> [RoutingRule] {
        [RoutingRule(source: "portal", documentType: RoutingTable.formD, destinations: ["nsw", "asw"])] + inbound
    }

    /// A Form D from the NSW: a signed NSW envelope in a SOAP 1.1 request.
    static func fromNSW(_ messageId: String) throws -> [UInt8] {
        SOAP11.envelope(containing: try nsw.signFormDForNSW(try FormDSamples.valid, messageId: messageId))
    }

    /// A Form D from Thailand's access point: an AS4 user message signed by the ASW's key.
    static func fromASW(_ messageId: String, reference: String) throws -> [UInt8] {
        let document = try FormDSamples.withReference(reference)
        var summary = try SecurityServices.formDSummary(document)
        summary.issuingCountry = "TH"
        summary.importingCountry = "VN"
        let message = AS4MessageBuilder().userMessage(
            document: document, summary: summary, codes: SecurityServices.formDProfile.as4!, certificate: asw.systemIdentity.certificate,
            messageId: messageId)
        return try asw.signAS4Message(Array(message.utf8))
    }

    static func post(_ harness: PartnerGateway, nsw body: [UInt8]) async throws -> HTTPResult {
        try await harness.client.send(.POST, "/nsw", headers: [("Content-Type", "text/xml; charset=utf-8")], body: body)
    }

    static func post(_ harness: PartnerGateway, as4 body: [UInt8]) async throws -> HTTPResult {
        try await harness.client.send(.POST, "/as4", headers: [("Content-Type", "application/soap+xml")], body: body)
    }

    @Test("Signed messages on /nsw and /as4 go where the rules for sources nsw and asw send them (archive, an http destination), not to the portal")
    func routedToArchive() async throws {
        let archive = CallbackRecorder()
        let (archivePort, archiveTask) = try await startHost(EndpointHost(routes: [.init("/", archive)]))
        defer { archiveTask.cancel() }
        let harness = try await PartnerGateway.start { configuration in
            configuration.destinations["archive"] = GatewayConfiguration.Destination(kind: .http, url: "http://127.0.0.1:\(archivePort)/archive")
            configuration.routes = Self.routes(inbound: [
                RoutingRule(source: "nsw", destinations: ["archive"]), RoutingRule(source: "asw", destinations: ["archive"]),
            ])
        }
        let fromNSW = try await Self.post(harness, nsw: try Self.fromNSW("nsw-archive-1"))
        #expect(fromNSW.status == 200, "\(fromNSW.text)")
        let fromASW = try await Self.post(harness, as4: try Self.fromASW("asw-archive-1@th", reference: "VN-TH 26/03/000801"))
        #expect(fromASW.status == 200, "\(fromASW.text)")
        // Each is stored for archive alone: the portal never gets a delivery.
        for wireID in ["nsw-archive-1", "asw-archive-1@th"] {
            let record = try #require(try await harness.server.store.message(id: wireID), "\(wireID) stored")
            #expect(record.deliveries.map(\.destination) == ["archive"], "\(wireID)")
        }
        #expect(try await eventually { archive.bodies.withLock { $0.count == 2 } })
        let received = archive.bodies.withLock { $0.map { String(decoding: $0.body, as: UTF8.self) } }
        #expect(received.contains { $0.contains("VN-TH 26/03/000123") }, "the NSW's Form D reached archive")
        #expect(received.contains { $0.contains("VN-TH 26/03/000801") }, "the ASW's Form D reached archive")
        #expect(try await harness.server.store.deliveries(matching: DeliveryFilter(destination: "portal")).isEmpty)
        #expect(harness.partners.callback.bodies.withLock { $0.isEmpty }, "nothing reached the portal callback")
        await harness.stop()
    }

    @Test("With no rule for their source, /nsw answers a SOAP Client fault naming unroutable and /as4 a signed ebMS error; nothing is stored")
    func unroutable() async throws {
        let harness = try await PartnerGateway.start { configuration in
            configuration.routes = Self.routes(inbound: [])
        }
        let nsw = try await Self.post(harness, nsw: try Self.fromNSW("nsw-unroutable-1"))
        #expect(nsw.status == 500)
        #expect(nsw.text.contains("<faultcode>soap:Client</faultcode>"), "\(nsw.text)")
        #expect(nsw.text.contains(">unroutable</swgate:check>"), "\(nsw.text)")
        #expect(nsw.text.contains("no routing rule sends ATIGA-FORM-D ISSUE from nsw anywhere"), "\(nsw.text)")

        let as4 = try await Self.post(harness, as4: try Self.fromASW("asw-unroutable-1@th", reference: "VN-TH 26/03/000802"))
        #expect(as4.status == 500)
        let signal = try Self.asw.verifyAS4Message(as4.body, partner: "VN")
        #expect(signal.isSignal && signal.refToMessageId == "asw-unroutable-1@th")
        let errors = AS4Signals.errors(try XMLDocument(bytes: as4.body).root)
        #expect(errors.map(\.code) == ["EBMS:0004"] && errors.first?.severity == "failure", "\(as4.text)")
        #expect(errors.first?.description.contains("no routing rule sends ATIGA-FORM-D ISSUE from asw anywhere") == true, "\(as4.text)")

        #expect(try await harness.server.store.stats().messageCount == 0)
        await harness.stop()
    }
}

import Foundation
import SWGateDelivery
import SWGateDomain
import SWGateSecurity
import SWGateStore
import SWGateTesting
import SWGateXML
import Testing

@testable import SWGateChannels
@testable import SWGateNSW
@testable import SWGateAS4

@Suite("NSW endpoint over loopback HTTP")
struct NSWEndpointTests {
    /// A signed NSW envelope from the NSW (as the simulator's keys sign it) in a SOAP 1.1 envelope.
    static func request(messageId: String, signer: SecurityServices = ChannelTest.nsw) throws -> [UInt8] {
        SOAP11.envelope(containing: try signer.signFormDForNSW(try ChannelTest.formD(), messageId: messageId))
    }

    static func start(_ store: any OutboxStore, accepted: AcceptedCounter = AcceptedCounter()) async throws -> (String, Task<Void, any Error>) {
        let endpoint = NSWEndpoint(
            security: ChannelTest.gateway, store: store, validator: ChannelTest.validator, onAccepted: { accepted.increment() })
        let (base, task) = try await ChannelTest.host(endpoint, prefix: "/nsw")
        return (base + "/nsw", task)
    }

    /// The fault string of a SOAP 1.1 fault answer, or nil.
    static func fault(_ body: [UInt8]) -> (String, String)? {
        guard let document = try? XMLDocument(bytes: body), case .fault(let code, let reason) = try? SOAP11.content(of: document) else { return nil }
        return (code, reason)
    }

    @Test("A valid signed envelope gets 200 and a signed ACK the NSW verifies; a duplicate gets the same ACK and is stored once")
    func acceptedAndDuplicate() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let accepted = AcceptedCounter()
        let (url, task) = try await Self.start(store, accepted: accepted)
        defer { task.cancel() }
        let body = try Self.request(messageId: "nsw-in-1")
        let (status, type, answer) = try await ChannelTest.post(url, body, contentType: "text/xml; charset=utf-8")
        #expect(status == 200, "\(ChannelTest.text(answer))")
        #expect(type?.hasPrefix("text/xml") == true)
        guard case .element(let element) = try SOAP11.content(of: XMLDocument(bytes: answer)) else {
            Issue.record("no envelope in \(ChannelTest.text(answer))")
            return
        }
        let ack = element.serializedAsDocument()
        let verification = try ChannelTest.nsw.verifyNSWEnvelope(ack)
        #expect(verification.sender == "MOIT-VN")
        let acknowledgement = try #require(NSWAcknowledgement(envelope: try XMLDocument(bytes: ack).root))
        #expect(acknowledgement.refMessageId == "nsw-in-1")
        #expect(acknowledgement.status == "RECEIVED")
        #expect(acknowledgement.reference == "VN-TH 26/03/000123")
        let stored = try await ChannelTest.stored(store)
        #expect(stored.count == 1)
        let record = try #require(try await store.message(id: "nsw-in-1"))
        #expect(record.source == "nsw")
        #expect(record.conversation == "VN-TH 26/03/000123")
        #expect(record.deliveries.first?.contentType == ChannelContentType.nswEnvelope)

        let again = try await ChannelTest.post(url, body, contentType: "text/xml")
        #expect(again.0 == 200)
        #expect(again.2 == answer)
        #expect(try await ChannelTest.stored(store).count == 1)
        #expect(accepted.count == 1)
    }

    @Test("Refused input gets a client fault and stores nothing")
    func refused() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let (url, task) = try await Self.start(store)
        defer { task.cancel() }
        let signed = ChannelTest.text(try ChannelTest.nsw.signFormDForNSW(try ChannelTest.formD(), messageId: "nsw-in-2"))
        let tampered = SOAP11.envelope(
            containing: Array(signed.replacingOccurrences(of: "<IssueDate>2026-03-12", with: "<IssueDate>2026-03-11").utf8))
        var stranger = SimulatedPartner.nsw.developmentConfiguration(certificates: ChannelTest.certificates)
        stranger.localParty.identity = "NSW-XX"
        let unknown = try Self.request(messageId: "nsw-in-3", signer: try SecurityServices(configuration: stranger))
        let cases: [(String, [UInt8], String)] = [
            ("tampered", tampered, "signature"),
            ("unknown sender", unknown, "NSW-XX"),
            ("xxe", try Fixtures.bytes("hostile/xxe-file.xml"), "XML"),
            ("dtd", try Fixtures.bytes("hostile/billion-laughs.xml"), "XML"),
            ("not soap", try ChannelTest.formD(), "SOAP"),
        ]
        for (name, body, mention) in cases {
            let (status, _, answer) = try await ChannelTest.post(url, body, contentType: "text/xml")
            #expect(status == 500, "\(name)")
            let fault = try #require(Self.fault(answer), "\(name): \(ChannelTest.text(answer))")
            #expect(fault.0 == "Client", "\(name)")
            #expect(fault.1.contains(mention), "\(name): \(fault.1)")
        }
        let json = try await ChannelTest.post(url, try Self.request(messageId: "nsw-in-4"), contentType: "application/json")
        #expect(json.0 == 415)
        #expect(Self.fault(json.2)?.0 == "Client")
        #expect(try await ChannelTest.stored(store).isEmpty)
    }
}

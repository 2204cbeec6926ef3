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

@Suite("AS4 endpoint over loopback HTTP")
struct AS4EndpointTests {
    /// A user message from party `from`, signed by the ASW access point's key.
    static func userMessage(messageId: String, from: String = "TH", signer: SecurityServices = ChannelTest.asw) throws -> [UInt8] {
        let document = try ChannelTest.formD()
        var summary = try SecurityServices.formDSummary(document)
        summary.issuingCountry = from
        summary.importingCountry = "VN"
        let message = AS4MessageBuilder().userMessage(
            document: document, summary: summary, codes: SecurityServices.formDProfile.as4!, certificate: signer.systemIdentity.certificate, messageId: messageId)
        return try signer.signAS4Message(Array(message.utf8))
    }

    static func start(_ store: any OutboxStore, accepted: AcceptedCounter = AcceptedCounter()) async throws -> (String, Task<Void, any Error>) {
        let endpoint = AS4Endpoint(
            security: ChannelTest.gateway, store: store, validator: ChannelTest.validator, onAccepted: { accepted.increment() })
        let (base, task) = try await ChannelTest.host(endpoint, prefix: "/as4")
        return (base + "/as4", task)
    }

    static func errors(_ body: [UInt8]) -> [AS4Signals.ErrorSignal] {
        guard let document = try? XMLDocument(bytes: body) else { return [] }
        return AS4Signals.errors(document.root)
    }

    @Test("A valid user message gets 200 and a signed receipt; a duplicate gets the same receipt and is stored once")
    func acceptedAndDuplicate() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let accepted = AcceptedCounter()
        let (url, task) = try await Self.start(store, accepted: accepted)
        defer { task.cancel() }
        let message = try Self.userMessage(messageId: "as4-in-1@th")
        let (status, type, answer) = try await ChannelTest.post(url, message, contentType: "application/soap+xml; charset=utf-8")
        #expect(status == 200, "\(ChannelTest.text(answer))")
        #expect(type?.hasPrefix("application/soap+xml") == true)
        let verification = try ChannelTest.asw.verifyAS4Message(answer, partner: "VN")
        #expect(verification.isSignal)
        #expect(verification.refToMessageId == "as4-in-1@th")
        let sent = try XMLDocument(bytes: message)
        #expect(AS4Signals.receiptDigests(try XMLDocument(bytes: answer).root) == AS4Signals.signedDigests(sent.root))
        let record = try #require(try await store.message(id: "as4-in-1@th"))
        #expect(record.source == "asw")
        #expect(record.conversation == "VN-TH 26/03/000123")
        #expect(try await ChannelTest.stored(store).count == 1)

        let again = try await ChannelTest.post(url, message, contentType: "application/soap+xml")
        #expect(again.0 == 200)
        #expect(again.2 == answer)
        #expect(try await ChannelTest.stored(store).count == 1)
        #expect(accepted.count == 1)
    }

    @Test("Refused input gets an ebMS error of severity failure and stores nothing")
    func refused() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let (url, task) = try await Self.start(store)
        defer { task.cancel() }
        let signed = ChannelTest.text(try Self.userMessage(messageId: "as4-in-2@th"))
        let tampered = Array(signed.replacingOccurrences(of: "<IssueDate>2026-03-12", with: "<IssueDate>2026-03-11").utf8)
        let cases: [(String, [UInt8], String)] = [
            ("tampered", tampered, "EBMS:0101"),
            ("unknown sender", try Self.userMessage(messageId: "as4-in-3@xx", from: "XX"), "EBMS:0101"),
            ("xxe", try Fixtures.bytes("hostile/xxe-file.xml"), "EBMS:0004"),
            ("dtd", try Fixtures.bytes("hostile/billion-laughs.xml"), "EBMS:0004"),
            ("not AS4", try ChannelTest.formD(), "EBMS:0009"),
        ]
        for (name, body, code) in cases {
            let (status, _, answer) = try await ChannelTest.post(url, body, contentType: "application/soap+xml")
            #expect(status == 500, "\(name)")
            let errors = Self.errors(answer)
            #expect(errors.map(\.code) == [code], "\(name): \(ChannelTest.text(answer))")
            #expect(errors.first?.severity == "failure", "\(name)")
        }
        let wrongType = try await ChannelTest.post(url, Array(signed.utf8), contentType: "text/xml")
        #expect(wrongType.0 == 415)
        #expect(try await ChannelTest.stored(store).isEmpty)
    }
}

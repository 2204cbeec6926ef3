import Foundation
import SWGateDomain
import SWGateSecurity
import SWGateStore
import SWGateTesting
import SWGateXML
import Testing

@testable import SWGateAS4
@testable import SWGateChannels
@testable import SWGateNSW

/// The channels build their envelopes from the summary stored with the message at intake; they do
/// not read the document again. Each test stores a summary that disagrees with the document (which
/// says reference `VN-TH 26/03/000123`, issued 2026-03-12, VN to TH) and looks at what went out.
@Suite("Channels read the summary stored at intake")
struct StoredSummaryTests {
    /// The fixture's own summary, changed by `change`.
    static func summary(_ change: (inout DocumentSummary) -> Void) throws -> DocumentSummary {
        var summary = try SecurityServices.formDSummary(try ChannelTest.formD())
        change(&summary)
        return summary
    }

    /// Stores the bare Form D for `destination` with `summary` as intake stores it, and claims it.
    static func enqueueAndClaim(_ store: SQLiteOutboxStore, destination: String, wireID: String, summary: DocumentSummary) async throws
        -> ClaimedDelivery
    {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        _ = try await store.enqueue(
            NewMessage(
                wireMessageID: wireID, conversation: summary.reference, documentType: DocumentProfile.formDType, function: .issue, source: "portal",
                payloads: [
                    OutboundPayload(destination: destination, body: Data(try ChannelTest.formD()), contentType: ChannelContentType.unsignedFormD)
                ],
                summary: try encoder.encode(summary)))
        return try #require(try await ChannelTest.claim(store, destination: destination))
    }

    @Test("The NSW envelope's Subject carries the stored reference and year, not the document's")
    func nswSubject() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let simulator = NSWSimulator(security: ChannelTest.nsw)
        let (url, task) = try await ChannelTest.host(simulator)
        defer { task.cancel() }
        let summary = try Self.summary {
            $0.reference = "VN-TH 26/03/999999"
            $0.issueDate = "2025-12-30"
        }
        let delivery = try await Self.enqueueAndClaim(store, destination: "nsw", wireID: "nsw-summary-1", summary: summary)
        let channel = NSWDeliveryChannel(
            url: url + "/nsw", security: ChannelTest.gateway, profiles: ChannelTest.validator.profiles, partner: "NSW-VN",
            httpClient: ChannelTest.partnerClient, timeout: .seconds(20))
        _ = await channel.deliver(delivery)
        let sent = try #require(await simulator.state.lastRequestBody, "nothing reached the NSW")
        guard case .element(let envelope) = try SOAP11.content(of: XMLDocument(bytes: sent)) else {
            Issue.record("no NSW envelope in the SOAP body")
            return
        }
        let ns: String?? = .some(Namespace.nswEnvelope)
        let subject = envelope.child("Header", namespace: ns)?.child("Subject", namespace: ns)
        #expect(subject?.child("reference", namespace: ns)?.text == "VN-TH 26/03/999999")
        #expect(subject?.child("documentYear", namespace: ns)?.text == "2025")
        // The document itself travels unchanged.
        #expect(ChannelTest.text(sent).contains("<ReferenceNumber>VN-TH 26/03/000123</ReferenceNumber>"))
    }

    @Test("The AS4 user message's PartyInfo names the stored countries, not the document's")
    func as4PartyInfo() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let simulator = ASWSimulator(security: ChannelTest.asw)
        let (url, task) = try await ChannelTest.host(simulator)
        defer { task.cancel() }
        let summary = try Self.summary { $0.importingCountry = "MY" }
        let delivery = try await Self.enqueueAndClaim(store, destination: "asw", wireID: "as4-summary-1", summary: summary)
        let channel = AS4DeliveryChannel(
            url: url + "/as4", security: ChannelTest.gateway, profiles: ChannelTest.validator.profiles, partner: "TH",
            httpClient: ChannelTest.partnerClient, timeout: .seconds(20))
        _ = await channel.deliver(delivery)
        let sent = try XMLDocument(bytes: try #require(await simulator.state.lastRequestBody, "nothing reached the ASW"))
        let party = AS4Signals.messaging(sent.root)?.child("UserMessage")?.child("PartyInfo")
        #expect(party?.child("To")?.child("PartyId")?.text == "MY")
        #expect(party?.child("From")?.child("PartyId")?.text == "VN")
    }
}

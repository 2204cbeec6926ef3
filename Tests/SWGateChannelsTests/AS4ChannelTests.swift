import Foundation
import SWGateDelivery
import SWGateDomain
import SWGateSecurity
import SWGateStore
import SWGateTesting
import SWGateXML
import Testing

@testable import SWGateAS4
@testable import SWGateChannels
@testable import SWGateNSW

@Suite("AS4 channel against the ASW simulator over loopback")
struct AS4ChannelTests {
    func channel(_ url: String, _ store: any OutboxStore) -> AS4DeliveryChannel {
        AS4DeliveryChannel(
            url: url + "/as4", security: ChannelTest.gateway, profiles: ChannelTest.validator.profiles, partner: "TH",
            httpClient: ChannelTest.partnerClient, timeout: .seconds(20))
    }

    @Test("Delivered with a signed receipt whose NRR digests match what was sent")
    func delivered() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let simulator = ASWSimulator(security: ChannelTest.asw)
        let (url, task) = try await ChannelTest.host(simulator)
        defer { task.cancel() }
        let delivery = try await ChannelTest.enqueueAndClaim(store, destination: "asw", wireID: "as4-msg-1")
        let result = await channel(url, store).deliver(delivery)
        let receipt = try #require(result.receipt, "\(result)")
        let verification = try ChannelTest.gateway.verifyAS4Message(Array(receipt.body), partner: "TH")
        #expect(verification.refToMessageId == "as4-msg-1@swgate")
        #expect(await simulator.state.received == ["as4-msg-1@swgate"])
        let sent = try XMLDocument(bytes: try #require(await simulator.state.lastRequestBody))
        let receiptDocument = try XMLDocument(bytes: Array(receipt.body))
        #expect(AS4Signals.receiptDigests(receiptDocument.root) == AS4Signals.signedDigests(sent.root))
        #expect(AS4Signals.signedDigests(sent.root).count == 3)
    }

    @Test("An attempt whose completion was lost is signed again to the same bytes: date, Ids and signature")
    func signedAgainAfterLostCompletion() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let simulator = ASWSimulator(security: ChannelTest.asw)
        let (url, task) = try await ChannelTest.host(simulator)
        defer { task.cancel() }
        let first = try await ChannelTest.enqueueAndClaim(store, destination: "asw", wireID: "as4-lost-1")
        let sent = await channel(url, store).attempt(first)
        #expect(sent.result.receipt != nil, "\(sent.result)")
        let firstBody = try #require(await simulator.state.lastRequestBody)
        #expect(ChannelTest.text(firstBody).contains("wsu:Id=\"body-as4-lost-1\""))
        #expect(try await store.reclaimExpiredLeases(now: Date().addingTimeInterval(120)) == 1)
        let second = try #require(try await ChannelTest.claim(store, destination: "asw"))
        #expect(second.contentType == ChannelContentType.unsignedFormD && second.attempt == 2)
        let again = await channel(url, store).attempt(second)
        #expect(again.result.receipt != nil, "\(again.result)")
        #expect(await simulator.state.lastRequestBody == firstBody)
    }

    @Test("A retry sends the stored signed message and checks the receipt against its digests")
    func retrySendsStoredMessage() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let simulator = ASWSimulator(security: ChannelTest.asw, failure: .failNext(1))
        let (url, task) = try await ChannelTest.host(simulator)
        defer { task.cancel() }
        let first = try await ChannelTest.enqueueAndClaim(store, destination: "asw", wireID: "as4-msg-3")
        let failed = await channel(url, store).attempt(first)
        #expect(failed.result.failureReason == .httpServerError)
        let firstBody = try #require(await simulator.state.lastRequestBody)
        #expect(failed.signed.map { Array($0.body) } == firstBody)
        try await ChannelTest.retry(store, first, signed: failed.signed)
        let second = try #require(try await ChannelTest.claim(store, destination: "asw"))
        #expect(second.contentType == ChannelContentType.as4Message)
        #expect(Array(second.payload) == firstBody)
        let delivered = await channel(url, store).deliver(second)
        let receipt = try #require(delivered.receipt, "\(delivered)")
        #expect(await simulator.state.lastRequestBody == firstBody)
        let receiptDocument = try XMLDocument(bytes: Array(receipt.body))
        #expect(AS4Signals.receiptDigests(receiptDocument.root) == AS4Signals.signedDigests(try XMLDocument(bytes: firstBody).root))
        // the same receipt against other digests is refused on this path too
        let answer = HTTPAnswer(status: 200, contentType: ChannelContentType.soap12, body: receipt.body)
        #expect(channel(url, store).classify(answer, messageId: "as4-msg-3@swgate", sentDigests: ["#x": "AAAA"]).failureReason == .badAnswer)
    }

    @Test(
        "ebMS warning is transient, failure permanent, a tampered receipt a bad answer signature",
        arguments: [
            (FailureMode.serverFault, FailureReason.ebmsWarning),
            (.clientFault, .ebmsFailure),
            (.badSignature, .badAnswerSignature),
            (.failNext(1), .httpServerError),
        ])
    func failureModes(mode: FailureMode, expected: FailureReason) async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let (url, task) = try await ChannelTest.host(ASWSimulator(security: ChannelTest.asw, failure: mode))
        defer { task.cancel() }
        let delivery = try await ChannelTest.enqueueAndClaim(store, destination: "asw")
        let result = await channel(url, store).deliver(delivery)
        #expect(result.failureReason == expected, "\(result)")
    }

    @Test("A receipt whose digests differ from what was sent is refused")
    func digestMismatch() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let simulator = ASWSimulator(security: ChannelTest.asw)
        let (url, task) = try await ChannelTest.host(simulator)
        defer { task.cancel() }
        let delivery = try await ChannelTest.enqueueAndClaim(store, destination: "asw", wireID: "as4-msg-2")
        let ok = await channel(url, store).deliver(delivery)
        let receipt = try #require(ok.receipt)
        let answer = HTTPAnswer(status: 200, contentType: ChannelContentType.soap12, body: receipt.body)
        let result = channel(url, store).classify(answer, messageId: "as4-msg-2@swgate", sentDigests: ["#other": "AAAA"])
        #expect(result.failureReason == .badAnswer)
        let wrongRef = channel(url, store).classify(answer, messageId: "another@swgate", sentDigests: [:])
        #expect(wrongRef.failureReason == .badAnswer)
    }
}

import Foundation
import SWGateDelivery
import SWGateDomain
import SWGateStore
import SWGateTesting
import Testing

@testable import SWGateAS4
@testable import SWGateChannels
@testable import SWGateNSW

/// The engine prepares (signs) a slot's next delivery while the slot's exchange waits for the
/// partner; a prepared attempt must send nothing until it runs, and then what it hands back as signed.
@Suite("Channels: an attempt prepared ahead")
struct PreparedAttemptTests {
    @Test("NSW: a prepared attempt signs the envelope and sends nothing until it runs; then it sends that envelope")
    func nsw() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let simulator = NSWSimulator(security: ChannelTest.nsw)
        let (url, task) = try await ChannelTest.host(simulator)
        defer { task.cancel() }
        let delivery = try await StoredSummaryTests.enqueueAndClaim(
            store, destination: "nsw", wireID: "nsw-prepared-1", summary: try StoredSummaryTests.summary { _ in })
        let channel = NSWDeliveryChannel(
            url: url + "/nsw", security: ChannelTest.gateway, profiles: ChannelTest.validator.profiles, partner: "NSW-VN",
            httpClient: ChannelTest.partnerClient, timeout: .seconds(20))
        let prepared = await channel.prepare(delivery)
        let signedAhead = try #require(prepared.signed, "nothing signed by the preparation")
        #expect(await simulator.state.lastRequestBody == nil)
        let attempt = await prepared.run()
        guard case .delivered = attempt.result else {
            Issue.record("not delivered: \(attempt.result)")
            return
        }
        let signed = try #require(attempt.signed)
        #expect(signed == signedAhead)
        #expect(signed.contentType == ChannelContentType.nswEnvelope)
        #expect(await simulator.state.lastRequestBody == SOAP11.envelope(containing: Array(signed.body)))
    }

    @Test("AS4: a prepared attempt signs the user message and sends nothing until it runs; then it sends that message")
    func as4() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let simulator = ASWSimulator(security: ChannelTest.asw)
        let (url, task) = try await ChannelTest.host(simulator)
        defer { task.cancel() }
        let delivery = try await StoredSummaryTests.enqueueAndClaim(
            store, destination: "asw", wireID: "as4-prepared-1", summary: try StoredSummaryTests.summary { _ in })
        let channel = AS4DeliveryChannel(
            url: url + "/as4", security: ChannelTest.gateway, profiles: ChannelTest.validator.profiles, partner: "TH",
            httpClient: ChannelTest.partnerClient, timeout: .seconds(20))
        let prepared = await channel.prepare(delivery)
        let signedAhead = try #require(prepared.signed, "nothing signed by the preparation")
        #expect(await simulator.state.lastRequestBody == nil)
        let attempt = await prepared.run()
        guard case .delivered = attempt.result else {
            Issue.record("not delivered: \(attempt.result)")
            return
        }
        let signed = try #require(attempt.signed)
        #expect(signed == signedAhead)
        #expect(signed.contentType == ChannelContentType.as4Message)
        #expect(await simulator.state.lastRequestBody.map { Data($0) } == signed.body)
    }
}

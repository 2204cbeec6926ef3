import Foundation
import SWGateAS4
import SWGateChannels
import SWGateDelivery
import SWGateDomain
import SWGateNSW
import SWGateSecurity
import SWGateStore
import SWGateTesting
import Testing

@Suite("Delivery engine with both partner channels against both simulators")
struct EngineEndToEndTests {
    @Test("An unsigned Form D queued for nsw and asw is signed, delivered and acknowledged by both simulators")
    func deliversToBoth() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let nsw = NSWSimulator(security: ChannelTest.nsw, failure: .failNext(1))
        let asw = ASWSimulator(security: ChannelTest.asw)
        let (nswURL, nswTask) = try await ChannelTest.host(nsw)
        defer { nswTask.cancel() }
        let (aswURL, aswTask) = try await ChannelTest.host(asw)
        defer { aswTask.cancel() }
        let backoff = Backoff(initial: .milliseconds(50), maximum: .milliseconds(200))
        let engine = DeliveryEngine(
            store: store,
            destinations: [
                DeliveryDestination(
                    name: "nsw",
                    channel: NSWDeliveryChannel(
                        url: nswURL + "/nsw", security: ChannelTest.gateway, profiles: ChannelTest.validator.profiles,
                        httpClient: ChannelTest.partnerClient,
                        timeout: .seconds(20))),
                DeliveryDestination(
                    name: "asw",
                    channel: AS4DeliveryChannel(
                        url: aswURL + "/as4", security: ChannelTest.gateway, profiles: ChannelTest.validator.profiles, partner: "TH",
                        httpClient: ChannelTest.partnerClient,
                        timeout: .seconds(20))),
            ],
            configuration: DeliveryEngineConfiguration(owner: "e2e", pollInterval: .milliseconds(50), retry: RetryPolicy(backoff: backoff)))
        let running = Task { await engine.run() }
        let form = Data(try ChannelTest.formD())
        let accepted = try await store.enqueue(
            NewMessage(
                wireMessageID: "e2e-1", conversation: "VN-TH 26/03/000123", documentType: "ATIGA_FORM_D", function: .issue, source: "portal",
                payloads: ["nsw", "asw"].map { OutboundPayload(destination: $0, body: form, contentType: ChannelContentType.unsignedFormD) }))
        engine.wake()
        let deadline = Date().addingTimeInterval(60)
        var record = try await store.message(id: accepted.id)
        while Date() < deadline, record?.deliveries.allSatisfy({ $0.state == .delivered }) != true {
            try await Task.sleep(for: .milliseconds(100))
            record = try await store.message(id: accepted.id)
        }
        engine.stop()
        await running.value
        let deliveries = try #require(record?.deliveries)
        #expect(deliveries.map(\.state) == [.delivered, .delivered], "\(deliveries.map(\.lastError))")
        #expect(await nsw.state.received == ["e2e-1"])
        #expect(await asw.state.received == ["e2e-1@swgate"])
        let nswDelivery = try #require(deliveries.first { $0.destination == "nsw" })
        #expect(nswDelivery.attempts.count == 2)
        #expect(nswDelivery.receipts.count == 1)
        #expect(deliveries.allSatisfy { $0.contentType != ChannelContentType.unsignedFormD })
    }
}

import Foundation
import SWGateAS4
import SWGateChannels
import SWGateDelivery
import SWGateDomain
import SWGateHTTP
import SWGateNSW
import SWGateStore
import SWGateTesting
import Testing

@Suite("Simulator control and the signed-payload lease rule")
struct SimulatorControlTests {
    @Test("Failure modes parse from their text form and round-trip")
    func parsing() {
        let modes: [FailureMode] = [.none, .unavailableEvery(3), .serverFault, .clientFault, .badSignature, .failNext(2)]
        for mode in modes { #expect(FailureMode(mode.description) == mode) }
        #expect(FailureMode("warning") == .serverFault)
        #expect(FailureMode("failure") == .clientFault)
        #expect(FailureMode("unavailable-every:0") == nil)
        #expect(FailureMode("explode") == nil)
    }

    @Test("POST /control changes the mode at run time; GET /received lists acknowledged ids")
    func control() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let simulator = NSWSimulator(security: ChannelTest.nsw, failure: .clientFault)
        let (url, task) = try await ChannelTest.host(simulator)
        defer { task.cancel() }
        let channel = NSWDeliveryChannel(
            url: url + "/nsw", security: ChannelTest.gateway, profiles: ChannelTest.validator.profiles, httpClient: ChannelTest.partnerClient)
        let first = try await ChannelTest.enqueueAndClaim(store, destination: "nsw", wireID: "ctl-1")
        #expect(await channel.deliver(first).failureReason == .soapClientFault)

        let bad = try await ChannelTest.post(url + "/control", Array(#"{"failure": "explode"}"#.utf8), contentType: "application/json")
        #expect(bad.0 == 400)
        let changed = try await ChannelTest.post(url + "/control", Array(#"{"failure": "none"}"#.utf8), contentType: "application/json")
        #expect(changed.0 == 200)
        #expect(await simulator.state.mode == FailureMode.none)
        try await ChannelTest.retry(store, first)
        let second = try #require(try await ChannelTest.claim(store, destination: "nsw"))
        #expect(await channel.deliver(second).receipt != nil)

        let (status, body) = try await ChannelTest.get(url + "/received")
        #expect(status == 200)
        struct Listing: Decodable { var mode: String; var received: [String] }
        let listing = try JSONDecoder().decode(Listing.self, from: Data(body))
        #expect(listing.mode == "none")
        #expect(listing.received == ["ctl-1"])
    }

    @Test("GET /received lists the message ids acknowledged again with other bytes than the first time")
    func conflictingResends() async throws {
        let state = SimulatorState()
        await state.record("m-1", body: Array("<a/>".utf8))
        await state.record("m-1", body: Array("<a/>".utf8))
        await state.record("m-2", body: Array("<b/>".utf8))
        #expect(await state.conflicting.isEmpty)
        await state.record("m-2", body: Array("<b />".utf8))
        await state.record("m-2", body: Array("<b/>".utf8))
        #expect(await state.conflicting == ["m-2"])
        let listing = try JSONSerialization.jsonObject(with: Data(await state.listing())) as? [String: Any]
        #expect(listing?["conflicting"] as? [String] == ["m-2"])
        #expect(listing?["received"] as? [String] == ["m-1", "m-1", "m-2", "m-2", "m-2"])
    }

    @Test("Signed bytes are stored only while the caller holds the lease")
    func leaseRule() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let delivery = try await ChannelTest.enqueueAndClaim(store, destination: "nsw", owner: "worker-a")
        await #expect(throws: OutboxError.self) {
            try await store.recordSignedPayload(
                deliveryID: delivery.deliveryID, owner: "worker-b", body: Data("x".utf8), contentType: "application/xml")
        }
        await #expect(throws: OutboxError.self) {
            try await store.recordSignedPayload(deliveryID: 999_999, owner: "worker-a", body: Data("x".utf8), contentType: "application/xml")
        }
        #expect(try await store.message(id: delivery.messageID)?.deliveries.first?.contentType == ChannelContentType.unsignedFormD)
        try await store.recordSignedPayload(
            deliveryID: delivery.deliveryID, owner: "worker-a", body: Data("<signed/>".utf8), contentType: "application/xml")
        #expect(try await store.message(id: delivery.messageID)?.deliveries.first?.contentType == "application/xml")
        let audit = try await store.auditEntries(messageID: delivery.messageID)
        #expect(audit.contains { $0.event == .signed && $0.actor == "worker-a" })
        #expect(try await store.verifyAudit().isIntact)
    }
}

@Suite("NSW simulator pushing a later answer to the gateway")
struct NSWAnswerPushTests {
    @Test("POST /control/answer sends a signed STATUS to /nsw; the gateway ACKs it and queues it for the portal")
    func statusPushed() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let gateway = NSWEndpoint(security: ChannelTest.gateway, store: store, validator: ChannelTest.validator)
        let (gatewayBase, gatewayTask) = try await ChannelTest.host(gateway, prefix: "/nsw")
        defer { gatewayTask.cancel() }
        let simulator = NSWSimulator(security: ChannelTest.nsw, gatewayURL: gatewayBase + "/nsw", httpClient: ChannelTest.client)
        let (simulatorBase, simulatorTask) = try await ChannelTest.host(simulator)
        defer { simulatorTask.cancel() }
        let request = #"{"refMessageId": "e2e-1", "reference": "VN-TH 26/03/000123", "status": "PREFERENCE_GIVEN"}"#
        let (status, _, body) = try await ChannelTest.post(simulatorBase + "/control/answer", Array(request.utf8), contentType: "application/json")
        #expect(status == 200, "\(ChannelTest.text(body))")
        #expect(ChannelTest.text(body).contains("<Status>RECEIVED</Status>"))
        let stored = try await ChannelTest.stored(store)
        #expect(stored.count == 1)
        let summary = try #require(stored.first)
        let record = try #require(try await store.message(id: summary.messageID))
        #expect(record.function == .status)
        #expect(record.conversation == "VN-TH 26/03/000123")

        let unconfigured = NSWSimulator(security: ChannelTest.nsw)
        let refused = await unconfigured.handle(.init(method: "POST", path: "/control/answer", body: Array(request.utf8)))
        #expect(refused.status == 409)
    }
}

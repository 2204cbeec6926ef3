import Foundation
import SWGateDelivery
import SWGateDomain
import SWGateSecurity
import SWGateStore
import SWGateTesting
import Testing

@testable import SWGateAS4
@testable import SWGateChannels
@testable import SWGateNSW

@Suite("NSW channel against the NSW simulator over loopback")
struct NSWChannelTests {
    func channel(_ url: String, _ store: any OutboxStore, timeout: Duration = .seconds(20)) -> NSWDeliveryChannel {
        NSWDeliveryChannel(
            url: url + "/nsw", security: ChannelTest.gateway, profiles: ChannelTest.validator.profiles, partner: "NSW-VN",
            httpClient: ChannelTest.partnerClient, timeout: timeout)
    }

    @Test("Signs at delivery, delivers, verifies the signed ACK and keeps it as the receipt")
    func delivered() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let simulator = NSWSimulator(security: ChannelTest.nsw)
        let (url, task) = try await ChannelTest.host(simulator)
        defer { task.cancel() }
        let delivery = try await ChannelTest.enqueueAndClaim(store, destination: "nsw", wireID: "nsw-msg-1")
        let attempt = await channel(url, store).attempt(delivery)
        let result = attempt.result
        let receipt = try #require(result.receipt, "\(result)")
        let verification = try ChannelTest.gateway.verifyNSWEnvelope(Array(receipt.body))
        #expect(verification.sender == "NSW-VN")
        #expect(ChannelTest.text(Array(receipt.body)).contains("<RefMessageId>nsw-msg-1</RefMessageId>"))
        #expect(await simulator.state.received == ["nsw-msg-1"])
        // The envelope it signed comes back for the completion, which stores it in the document's place.
        let signed = try #require(attempt.signed)
        #expect(signed.contentType == ChannelContentType.nswEnvelope)
        #expect(try ChannelTest.gateway.verifyNSWEnvelope(Array(signed.body)).messageId == "nsw-msg-1")
    }

    @Test("The NSW simulator verifies what it receives: a tampered envelope gets a SOAP Client fault and no ACK")
    func simulatorRefusesTamperedEnvelope() async throws {
        let simulator = NSWSimulator(security: ChannelTest.nsw)
        let (url, task) = try await ChannelTest.host(simulator)
        defer { task.cancel() }
        let signed = try ChannelTest.gateway.signFormDForNSW(try ChannelTest.formD(), messageId: "nsw-tampered-1")
        let intact = ChannelTest.text(signed)
        let tampered = intact.replacingOccurrences(of: "<Number>1200</Number>", with: "<Number>1300</Number>")
        #expect(tampered != intact)
        let (status, _, body) = try await ChannelTest.post(
            url + "/nsw", SOAP11.envelope(containing: Array(tampered.utf8)), contentType: ChannelContentType.soap11)
        #expect(status == 500)
        #expect(ChannelTest.text(body).contains("<faultcode>soap:Client</faultcode>"))
        #expect(ChannelTest.text(body).contains("signature check failed"))
        #expect(await simulator.state.received.isEmpty)
        // The same envelope untouched is acknowledged.
        let (okStatus, _, ack) = try await ChannelTest.post(url + "/nsw", SOAP11.envelope(containing: signed), contentType: ChannelContentType.soap11)
        #expect(okStatus == 200)
        #expect(ChannelTest.text(ack).contains("<RefMessageId>nsw-tampered-1</RefMessageId>"))
        #expect(await simulator.state.received == ["nsw-tampered-1"])
    }

    @Test("The signed bytes come back with the attempt and are stored with its completion; a retry sends exactly those bytes")
    func signedPayloadPersisted() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let simulator = NSWSimulator(security: ChannelTest.nsw, failure: .failNext(1))
        let (url, task) = try await ChannelTest.host(simulator)
        defer { task.cancel() }
        let first = try await ChannelTest.enqueueAndClaim(store, destination: "nsw", wireID: "nsw-msg-2")
        let failed = await channel(url, store).attempt(first)
        #expect(failed.result.failureReason == .httpServerError)
        let firstBody = try #require(await simulator.state.lastRequestBody)
        let signed = try #require(failed.signed)
        #expect(signed.contentType == ChannelContentType.nswEnvelope)
        #expect(SOAP11.envelope(containing: Array(signed.body)) == firstBody)
        try await ChannelTest.retry(store, first, signed: signed)
        let second = try #require(try await ChannelTest.claim(store, destination: "nsw"))
        #expect(second.contentType == ChannelContentType.nswEnvelope)
        #expect(SOAP11.envelope(containing: Array(second.payload)) == firstBody)
        _ = try ChannelTest.gateway.verifyNSWEnvelope(Array(second.payload))
        let delivered = await channel(url, store).attempt(second)
        #expect(delivered.result.receipt != nil, "\(delivered.result)")
        #expect(delivered.signed == nil, "a stored envelope is sent as it is")
        #expect(await simulator.state.lastRequestBody == firstBody)
        let audit = try await store.auditEntries(messageID: first.messageID)
        #expect(audit.filter { $0.event == .signed }.count == 1)
    }

    @Test("An attempt whose completion was lost is signed again to the same bytes (the process died after sending)")
    func signedAgainAfterLostCompletion() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let simulator = NSWSimulator(security: ChannelTest.nsw)
        let (url, task) = try await ChannelTest.host(simulator)
        defer { task.cancel() }
        let first = try await ChannelTest.enqueueAndClaim(store, destination: "nsw", wireID: "nsw-lost-1")
        let sent = await channel(url, store).attempt(first)
        #expect(sent.result.receipt != nil, "\(sent.result)")
        let firstBody = try #require(await simulator.state.lastRequestBody)
        // No completion: the lease expires and the delivery is claimed again, still unsigned.
        #expect(try await store.reclaimExpiredLeases(now: Date().addingTimeInterval(120)) == 1)
        let second = try #require(try await ChannelTest.claim(store, destination: "nsw"))
        #expect(second.contentType == ChannelContentType.unsignedFormD && second.attempt == 2)
        #expect(second.firstClaimedAt == first.firstClaimedAt)
        let again = await channel(url, store).attempt(second)
        #expect(again.result.receipt != nil, "\(again.result)")
        #expect(await simulator.state.lastRequestBody == firstBody)
        #expect(again.signed == sent.signed)
    }

    @Test(
        "Simulator failures map to transient and permanent",
        arguments: [
            (FailureMode.unavailableEvery(1), FailureReason.httpServerError),
            (.serverFault, .soapServerFault),
            (.clientFault, .soapClientFault),
            (.badSignature, .badAnswerSignature),
        ])
    func failureModes(mode: FailureMode, expected: FailureReason) async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let (url, task) = try await ChannelTest.host(NSWSimulator(security: ChannelTest.nsw, failure: mode))
        defer { task.cancel() }
        let delivery = try await ChannelTest.enqueueAndClaim(store, destination: "nsw")
        let result = await channel(url, store).deliver(delivery)
        #expect(result.failureReason == expected, "\(result)")
    }

    @Test("An unreachable NSW is a transient connection failure; the signed bytes are kept with the attempt's completion")
    func connectionRefused() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let delivery = try await ChannelTest.enqueueAndClaim(store, destination: "nsw")
        // Ended by the refusal, not by the deadline or the client's own connect timeout (10 s).
        let started = ContinuousClock.now
        let attempt = await channel("http://127.0.0.1:1", store, timeout: .seconds(60)).attempt(delivery)
        #expect(ContinuousClock.now - started < .seconds(8), "the attempt waited while the client retried the connect")
        #expect(attempt.result.failureReason == .connection, "\(attempt.result)")
        #expect(attempt.result.failureReason?.disposition == .transient, "\(attempt.result)")
        try await ChannelTest.retry(store, delivery, signed: attempt.signed)
        let record = try #require(try await store.message(id: delivery.messageID))
        #expect(record.deliveries.first?.contentType == ChannelContentType.nswEnvelope)
    }

    @Test("An ACK signed by a key not bound to the NSW partner is a bad answer signature")
    func ackFromWrongSigner() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        // The ASW key signs the ACK while the header claims NSW-VN.
        var configuration = SimulatedPartner.nsw.developmentConfiguration(certificates: ChannelTest.certificates)
        configuration.systemKey = KeySource(keyPath: ChannelTest.certificates + "/asw.key", certificatePath: ChannelTest.certificates + "/asw.pem")
        let impostor = try SecurityServices(configuration: configuration)
        let (url, task) = try await ChannelTest.host(NSWSimulator(security: impostor))
        defer { task.cancel() }
        let delivery = try await ChannelTest.enqueueAndClaim(store, destination: "nsw")
        let result = await channel(url, store).deliver(delivery)
        #expect(result.failureReason == .badAnswerSignature, "\(result)")
    }
}

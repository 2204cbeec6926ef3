import SWGateDomain
import Foundation
import SWGateDelivery
import SWGateSecurity
import SWGateStore
import SWGateTesting
import Testing

@testable import SWGateChannels
@testable import SWGateNSW
@testable import SWGateAS4

@Suite("NSW channel against the NSW simulator over loopback")
struct NSWChannelTests {
    func channel(_ url: String, _ store: any OutboxStore, timeout: Duration = .seconds(20)) -> NSWDeliveryChannel {
        NSWDeliveryChannel(url: url + "/nsw", security: ChannelTest.gateway, store: store, profiles: ChannelTest.validator.profiles, partner: "NSW-VN",
            httpClient: ChannelTest.client, timeout: timeout)
    }

    @Test("Signs at delivery, delivers, verifies the signed ACK and keeps it as the receipt")
    func delivered() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let simulator = NSWSimulator(security: ChannelTest.nsw)
        let (url, task) = try await ChannelTest.host(simulator)
        defer { task.cancel() }
        let delivery = try await ChannelTest.enqueueAndClaim(store, destination: "nsw", wireID: "nsw-msg-1")
        let result = await channel(url, store).deliver(delivery)
        let receipt = try #require(result.receipt, "\(result)")
        let verification = try ChannelTest.gateway.verifyNSWEnvelope(Array(receipt.body))
        #expect(verification.sender == "NSW-VN")
        #expect(ChannelTest.text(Array(receipt.body)).contains("<RefMessageId>nsw-msg-1</RefMessageId>"))
        #expect(await simulator.state.received == ["nsw-msg-1"])
        let record = try #require(try await store.message(id: delivery.messageID))
        #expect(record.deliveries.first?.contentType == ChannelContentType.nswEnvelope)
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

    @Test("The signed bytes are stored before sending; a retry sends exactly those bytes")
    func signedPayloadPersisted() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let simulator = NSWSimulator(security: ChannelTest.nsw, failure: .failNext(1))
        let (url, task) = try await ChannelTest.host(simulator)
        defer { task.cancel() }
        let first = try await ChannelTest.enqueueAndClaim(store, destination: "nsw", wireID: "nsw-msg-2")
        let failed = await channel(url, store).deliver(first)
        #expect(failed.failureReason == .httpServerError)
        let firstBody = try #require(await simulator.state.lastRequestBody)
        try await ChannelTest.retry(store, first)
        let second = try #require(try await ChannelTest.claim(store, destination: "nsw"))
        #expect(second.contentType == ChannelContentType.nswEnvelope)
        #expect(SOAP11.envelope(containing: Array(second.payload)) == firstBody)
        _ = try ChannelTest.gateway.verifyNSWEnvelope(Array(second.payload))
        let delivered = await channel(url, store).deliver(second)
        #expect(delivered.receipt != nil, "\(delivered)")
        #expect(await simulator.state.lastRequestBody == firstBody)
        let audit = try await store.auditEntries(messageID: first.messageID)
        #expect(audit.filter { $0.event == .signed }.count == 1)
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

    @Test("An unreachable NSW is a transient connection failure; the signed bytes are kept")
    func connectionRefused() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let delivery = try await ChannelTest.enqueueAndClaim(store, destination: "nsw")
        let result = await channel("http://127.0.0.1:1", store, timeout: .seconds(5)).deliver(delivery)
        #expect(result.failureReason?.disposition == .transient, "\(result)")
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

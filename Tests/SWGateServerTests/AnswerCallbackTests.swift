import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SWGateSecurity
import SWGateServer
import SWGateStore
import SWGateTesting
import Synchronization
import Testing

@testable import SWGateAS4
@testable import SWGateChannels
@testable import SWGateNSW

/// The gateway's own keys: the answers forwarded to the portal must still verify with them.
private let gatewayKeys: SecurityServices = try! SecurityServices(configuration: .development(directory: certificatesDirectory))

@Suite("Partners' answers reach the portal through the outbox", .serialized)
struct AnswerCallbackTests {
    @Test("The NSW's signed ACK and the ASW's signed receipt each reach the portal once, naming the intake ids and carrying the signed answer")
    func receivedAndAccepted() async throws {
        let harness = try await PartnerGateway.start()
        let submitted = try await harness.client.submit(try FormDSamples.withReference("VN-TH 26/03/000700"))
        #expect(submitted.status == 202)
        let id = try #require(submitted.json["id"] as? String)
        let messageId = try #require(submitted.json["messageId"] as? String)
        #expect(try await eventually { harness.callbacks.count >= 2 })
        let callbacks = harness.callbacks
        #expect(callbacks.count == 2)
        let nsw = try #require(callbacks.first { $0["partner"] as? String == "nsw" })
        #expect(nsw["event"] as? String == "received")
        #expect(nsw["status"] as? String == "RECEIVED")
        #expect(nsw["id"] as? String == id)
        #expect(nsw["messageId"] as? String == messageId)
        #expect(nsw["reference"] as? String == "VN-TH 26/03/000700")
        #expect(nsw["function"] as? String == "ISSUE")
        let ackBase64 = try #require((nsw["answer"] as? [String: Any])?["body"] as? String)
        let ack = try #require(Data(base64Encoded: ackBase64))
        let verification = try gatewayKeys.verifyNSWEnvelope(Array(ack))
        #expect(verification.sender == "NSW-VN", "the forwarded ACK is the NSW's, still verifiable")
        let asw = try #require(callbacks.first { $0["partner"] as? String == "asw" })
        #expect(asw["event"] as? String == "accepted")
        #expect(asw["id"] as? String == id)
        #expect(asw["messageId"] as? String == messageId)
        // Each callback is an outbox message of its own, delivered to the portal destination.
        let portalDeliveries = try await harness.server.store.deliveries(matching: DeliveryFilter(destination: "portal"))
        #expect(portalDeliveries.count == 2)
        await harness.stop()
    }

    @Test("A synchronous REJECT from the NSW and an ebMS failure from the ASW reach the portal as 'rejected' with the partners' errors")
    func rejected() async throws {
        let harness = try await PartnerGateway.start(nsw: .reject, asw: .clientFault)
        let submitted = try await harness.client.submit(try FormDSamples.withReference("VN-TH 26/03/000701"))
        let id = try #require(submitted.json["id"] as? String)
        #expect(try await eventually { harness.callbacks.count >= 2 })
        let callbacks = harness.callbacks
        #expect(callbacks.count == 2)
        let nsw = try #require(callbacks.first { $0["partner"] as? String == "nsw" })
        #expect(nsw["event"] as? String == "rejected")
        #expect(nsw["status"] as? String == "REJECTED")
        #expect(nsw["id"] as? String == id)
        let errors = try #require(nsw["errors"] as? [[String: Any]])
        #expect(errors.first?["code"] as? String == "NSW-SIM-001")
        #expect(errors.first?["path"] as? String == "/FormD")
        let asw = try #require(callbacks.first { $0["partner"] as? String == "asw" })
        #expect(asw["event"] as? String == "rejected")
        #expect((asw["errors"] as? [[String: Any]])?.first?["code"] as? String == "EBMS:0004")
        let record = try #require(try await harness.server.store.message(id: id))
        #expect(record.deliveries.filter { $0.destination != "portal" }.allSatisfy { $0.state == .failed })
        await harness.stop()
    }

    @Test("A SOAP Client fault from the NSW reaches the portal as 'rejected' with the fault as its error")
    func clientFault() async throws {
        let harness = try await PartnerGateway.start(nsw: .clientFault)
        let submitted = try await harness.client.submit(try FormDSamples.withReference("VN-TH 26/03/000702"))
        let id = try #require(submitted.json["id"] as? String)
        #expect(try await eventually { harness.callbacks.contains { $0["partner"] as? String == "nsw" } })
        let nsw = try #require(harness.callbacks.first { $0["partner"] as? String == "nsw" })
        #expect(nsw["event"] as? String == "rejected")
        #expect(nsw["status"] as? String == "FAULT")
        #expect(nsw["id"] as? String == id)
        let error = try #require((nsw["errors"] as? [[String: Any]])?.first)
        #expect((error["code"] as? String)?.hasPrefix("soap:") == true && (error["code"] as? String)?.contains("Client") == true, "\(error)")
        #expect((error["message"] as? String)?.isEmpty == false)
        let record = try #require(try await harness.server.store.message(id: id))
        #expect(record.deliveries.first { $0.destination == "nsw" }?.state == .failed)
        await harness.stop()
    }
}

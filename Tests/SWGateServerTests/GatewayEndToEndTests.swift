import AsyncHTTPClient
import Foundation
@testable import SWGateChannels
@testable import SWGateNSW
@testable import SWGateAS4
import SWGateSecurity
import NIOHTTP1


import SWGateHTTP
import SWGateServer
import SWGateStore
import SWGateTesting
import Synchronization
import Testing

/// The repository's development PKI.
let certificatesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Certificates").standardized.path

/// Records what the portal callback receives.
final class CallbackRecorder: Endpoint {
    let bodies = Mutex<[(headers: [String: String], body: [UInt8])]>([])
    func handle(_ request: EndpointRequest) async -> EndpointResponse {
        bodies.withLock { $0.append((request.headers, request.body)) }
        return EndpointResponse(status: 204)
    }
}

/// Two partner simulators and a portal callback receiver on loopback.
struct Partners {
    let nsw: NSWSimulator
    let asw: ASWSimulator
    let callback = CallbackRecorder()
    var nswPort = 0
    var aswPort = 0
    var callbackPort = 0
    var tasks: [Task<Void, any Error>] = []

    static func start() async throws -> Partners {
        var partners = Partners(
            nsw: NSWSimulator(security: try SimulatedPartner.nsw.developmentSecurity(certificates: certificatesDirectory)),
            asw: ASWSimulator(security: try SimulatedPartner.asw.developmentSecurity(certificates: certificatesDirectory)))
        let (nswPort, nswTask) = try await startHost(EndpointHost(routes: [.init("/", partners.nsw)]))
        let (aswPort, aswTask) = try await startHost(EndpointHost(routes: [.init("/", partners.asw)]))
        let (callbackPort, callbackTask) = try await startHost(EndpointHost(routes: [.init("/", partners.callback)]))
        partners.nswPort = nswPort
        partners.aswPort = aswPort
        partners.callbackPort = callbackPort
        partners.tasks = [nswTask, aswTask, callbackTask]
        return partners
    }

    func configuration(store: String, port: Int = 0) -> GatewayConfiguration {
        var c = GatewayConfiguration()
        c.listen.port = port
        c.storePath = store
        c.certificatesDirectory = certificatesDirectory
        c.destinations["nsw"]?.url = "http://127.0.0.1:\(nswPort)/nsw"
        c.destinations["asw"]?.url = "http://127.0.0.1:\(aswPort)/as4"
        c.destinations["portal"]?.url = "http://127.0.0.1:\(callbackPort)/callback"
        c.delivery.initialBackoff = .milliseconds(50)
        c.delivery.maxBackoff = .seconds(1)
        c.logLevel = "error"
        return c
    }

    func stop() { for task in tasks { task.cancel() } }
}

/// Polls `condition` every 100 ms for at most `seconds`.
func eventually(_ seconds: Double = 30, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}

@Suite("End to end: portal → gateway → NSW and ASW simulators", .serialized)
struct GatewayEndToEndTests {
    @Test("Certificates are signed at delivery, verified by both simulators, receipts verified and kept; a failing NSW recovers; duplicates are sent once")
    func relay() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let partners = try await Partners.start()
        defer { partners.stop() }
        await partners.nsw.state.setMode(.failNext(2))
        let server = try GatewayServer(configuration: partners.configuration(store: directory.path("gw.sqlite")))
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let run = Task { try await server.run { continuation.yield($0) } }
        var iterator = stream.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let http = HTTPClient.forTest()
        let client = TestClient(base: "http://127.0.0.1:\(port)", client: http)

        var accepted: [(id: String, messageId: String)] = []
        for n in 0..<5 {
            let result = try await client.submit(try FormDSamples.withReference("VN-TH 26/03/00030\(n)"))
            #expect(result.status == 202)
            accepted.append((try #require(result.json["id"] as? String), try #require(result.json["messageId"] as? String)))
        }
        let duplicate = try await client.submit(try FormDSamples.withReference("VN-TH 26/03/000300"))
        #expect(duplicate.json["id"] as? String == accepted[0].id)

        let delivered = try await eventually {
            for message in accepted {
                let view = try await client.get("/v1/messages/\(message.id)")
                guard view.json["status"] as? String == "delivered" else { return false }
            }
            return true
        }
        #expect(delivered)
        let nswReceived = await partners.nsw.state.received
        let aswReceived = await partners.asw.state.received
        #expect(nswReceived.count == 5, "\(nswReceived)")
        #expect(aswReceived.count == 5, "\(aswReceived)")
        #expect(Set(nswReceived).count == 5 && Set(aswReceived).count == 5)
        for message in accepted {
            let record = try #require(try await server.store.message(id: message.id))
            for delivery in record.deliveries {
                #expect(delivery.state == .delivered)
                #expect(!delivery.receipts.isEmpty, "receipt kept for \(delivery.destination)")
                #expect(delivery.contentType != ChannelContentType.unsignedFormD, "the signed bytes replaced the unsigned Form D")
            }
        }
        var nswAttempts = 0
        for message in accepted {
            let view = try await client.get("/v1/messages/\(message.id)")
            let nswView = (view.json["destinations"] as? [[String: Any]])?.first { $0["destination"] as? String == "nsw" }
            nswAttempts += nswView?["attempts"] as? Int ?? 0
        }
        #expect(nswAttempts == 7, "two 503s, then every message once")
        let metrics = try await client.send(.GET, "/metrics")
        #expect(metrics.text.contains("swgate_delivered_total{destination=\"asw\"} 5\n"))
        #expect(metrics.text.contains("swgate_failed_attempts_total{destination=\"nsw\",disposition=\"transient\"} 2\n"))
        #expect(try await client.send(.GET, "/readyz").status == 200)
        run.cancel()
        _ = try? await run.value
        try? await http.shutdown()
    }

    @Test("An NSW message to /nsw is verified, acknowledged and delivered once to the portal callback, duplicates included")
    func inboundToPortal() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let partners = try await Partners.start()
        defer { partners.stop() }
        let server = try GatewayServer(configuration: partners.configuration(store: directory.path("gw.sqlite")))
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let run = Task { try await server.run { continuation.yield($0) } }
        var iterator = stream.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let http = HTTPClient.forTest()
        let client = TestClient(base: "http://127.0.0.1:\(port)", client: http)
        let nswKeys = try SimulatedPartner.nsw.developmentSecurity(certificates: certificatesDirectory)
        let soap = SOAP11.envelope(containing: try nswKeys.signFormDForNSW(try FormDSamples.valid, messageId: "nsw-msg-1"))
        let first = try await client.send(.POST, "/nsw", headers: [("Content-Type", "text/xml; charset=utf-8")], body: soap)
        #expect(first.status == 200, "\(first.text)")
        #expect(first.text.contains("nsw-msg-1"))
        let second = try await client.send(.POST, "/nsw", headers: [("Content-Type", "text/xml; charset=utf-8")], body: soap)
        #expect(second.status == 200)
        // The duplicate was answered from the store, not stored again: one message, one delivery
        // to the portal, and once that delivery is recorded nothing else is queued for it.
        #expect(try await server.store.stats().messageCount == 1, "a duplicate is processed once")
        #expect(
            try await eventually {
                try await server.store.deliveries(matching: DeliveryFilter(states: [.delivered], destination: "portal")).count == 1
            })
        let received = partners.callback.bodies.withLock { $0 }
        #expect(received.count == 1, "the portal received the message once")
        let callbackText = String(decoding: received.first?.body ?? [], as: UTF8.self)
        #expect(callbackText.contains("VN-TH 26/03/000123"))
        let tampered = Array(String(decoding: soap, as: UTF8.self).replacingOccurrences(of: "2026-03-12", with: "2026-03-11").utf8)
        let refused = try await client.send(.POST, "/nsw", headers: [("Content-Type", "text/xml; charset=utf-8")], body: tampered)
        #expect(refused.status == 500 || refused.status == 400, "a bad signature is refused with a SOAP fault")
        #expect(refused.text.contains("Fault"))
        let metrics = try await client.send(.GET, "/metrics")
        #expect(metrics.text.contains("swgate_delivered_total{destination=\"portal\"} 1\n"))
        run.cancel()
        _ = try? await run.value
        try? await http.shutdown()
    }
}

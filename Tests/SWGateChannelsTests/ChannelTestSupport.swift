import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SWGateAS4
import SWGateChannels
import SWGateDelivery
import SWGateDomain
import SWGateHTTP
import SWGateNSW
import SWGateSecurity
import SWGateStore
import SWGateTesting
import Synchronization
import Testing

/// Keys, stores, hosts and HTTP helpers shared by the channel tests.
enum ChannelTest {
    static let root: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let certificates = root + "/Certificates"

    /// The gateway's development security (gateway key; NSW-VN and TH partners).
    static let gateway: SecurityServices = try! SecurityServices(configuration: .development(directory: certificates))
    /// The NSW's (nsw key; trusts the gateway as MOIT-VN).
    static let nsw: SecurityServices = try! SimulatedPartner.nsw.developmentSecurity(certificates: certificates)
    /// The ASW access point's (asw key; trusts the gateway as VN).
    static let asw: SecurityServices = try! SimulatedPartner.asw.developmentSecurity(certificates: certificates)
    /// The same three with xmlsec underneath the policy checks, to verify with the other engine.
    static let xmlsecGateway: SecurityServices = try! SecurityServices(configuration: .development(directory: certificates), engine: .xmlsec)
    static let xmlsecNSW: SecurityServices = try! SecurityServices(
        configuration: SimulatedPartner.nsw.developmentConfiguration(certificates: certificates), engine: .xmlsec)
    static let xmlsecASW: SecurityServices = try! SecurityServices(
        configuration: SimulatedPartner.asw.developmentConfiguration(certificates: certificates), engine: .xmlsec)
    static let validator: DocumentValidator = try! DocumentValidator.standard()
    /// The client the tests' own requests (and the NSW simulator's answer pushes) go through.
    static let client = HTTPClient.forTest()
    /// The client the channels under test reach the partners with, as the gateway's do.
    static let partnerClient = PartnerHTTPClient()

    static func formD() throws -> [UInt8] { try Fixtures.bytes("valid/formd-single-item.xml") }
    /// Every valid Form D fixture (`valid/…`), for tests that sign each.
    static let validFormDFixtures = [
        "formd-single-item.xml", "formd-amendment.xml", "formd-cancellation.xml", "formd-movement-exhibition.xml",
        "formd-multi-item-all-criteria.xml", "formd-retroactive-third-country.xml",
    ]

    /// A store in a fresh temporary directory.
    static func store() throws -> (SQLiteOutboxStore, TemporaryDirectory) {
        let directory = try TemporaryDirectory(prefix: "swgate-channels")
        return (try SQLiteOutboxStore(path: directory.path("outbox.sqlite")), directory)
    }

    /// Starts `endpoint` on a free loopback port below `prefix`; returns the base URL and the task.
    static func host(_ endpoint: any Endpoint, prefix: String = "/") async throws -> (String, Task<Void, any Error>) {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let host = EndpointHost(routes: [.init(prefix, endpoint)])
        let task = Task { try await host.run { port in continuation.yield(port) } }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw CancellationError() }
        return ("http://127.0.0.1:\(port)", task)
    }

    /// Enqueues a bare Form D for `destination` as intake does, and claims it.
    static func enqueueAndClaim(
        _ store: SQLiteOutboxStore, destination: String, wireID: String = UUID().uuidString.lowercased(),
        owner: String = "test"
    ) async throws -> ClaimedDelivery {
        _ = try await store.enqueue(
            NewMessage(
                wireMessageID: wireID, conversation: "VN-TH 26/03/000123", documentType: "ATIGA_FORM_D", function: .issue, source: "portal",
                payloads: [OutboundPayload(destination: destination, body: Data(try formD()), contentType: ChannelContentType.unsignedFormD)]))
        return try #require(try await claim(store, destination: destination, owner: owner))
    }

    static func claim(_ store: SQLiteOutboxStore, destination: String, owner: String = "test") async throws -> ClaimedDelivery? {
        try await store.claim(destination: destination, limit: 1, owner: owner, leaseDuration: .seconds(60), now: Date()).first
    }

    /// Puts a claimed delivery back to pending, due now, as a retry would, storing the message
    /// the attempt signed as the engine does.
    static func retry(_ store: SQLiteOutboxStore, _ delivery: ClaimedDelivery, signed: SignedPayload? = nil) async throws {
        _ = try await store.complete(
            DeliveryCompletion(
                deliveryID: delivery.deliveryID, owner: delivery.owner, startedAt: Date(), duration: .milliseconds(1),
                outcome: .transientFailure, error: "test", transition: .retry(at: Date().addingTimeInterval(-1)), signed: signed))
    }

    /// POSTs `body` and returns status, content type and body.
    static func post(_ url: String, _ body: [UInt8], contentType: String) async throws -> (Int, String?, [UInt8]) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(20))
        let answer = try await response.body.collect(upTo: 1 << 22)
        return (Int(response.status.code), response.headers.first(name: "Content-Type"), Array(buffer: answer))
    }

    static func get(_ url: String) async throws -> (Int, [UInt8]) {
        let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(20))
        return (Int(response.status.code), Array(buffer: try await response.body.collect(upTo: 1 << 22)))
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Messages stored for `destination`.
    static func stored(_ store: SQLiteOutboxStore, destination: String = "portal") async throws -> [DeliverySummary] {
        try await store.deliveries(matching: DeliveryFilter(destination: destination))
    }
}

extension DeliveryResult {
    var failureReason: FailureReason? {
        if case .failed(let failure) = self { return failure.reason }
        return nil
    }

    var receipt: Receipt? {
        if case .delivered(let receipt, _, _) = self { return receipt }
        return nil
    }
}

/// Counts `onAccepted` calls of an endpoint.
final class AcceptedCounter: Sendable {
    private let value = Mutex(0)
    func increment() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}

import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SWGateHTTP
import SWGateSecurity
import SWGateServer
import SWGateStore
import SWGateTesting
import SWGateXML
import Synchronization
import Testing

@testable import SWGateAS4
@testable import SWGateChannels
@testable import SWGateNSW

/// The ASW access point's keys: verifies the gateway's signed ebMS errors as a partner would.
private let aswKeys: SecurityServices = try! SimulatedPartner.asw.developmentSecurity(certificates: certificatesDirectory)

/// A running gateway on a fresh store with a small body limit.
private struct RunningGateway {
    let directory: TemporaryDirectory
    let server: GatewayServer
    let run: Task<Void, any Error>
    let http: HTTPClient
    let client: TestClient

    static func start(maxBodyBytes: Int = 64 * 1024) async throws -> RunningGateway {
        let directory = try TemporaryDirectory()
        var configuration = GatewayConfiguration()
        configuration.listen.port = 0
        configuration.listen.maxBodyBytes = maxBodyBytes
        configuration.storePath = directory.path("gw.sqlite")
        configuration.certificatesDirectory = certificatesDirectory
        configuration.logLevel = "error"
        let server = try GatewayServer(configuration: configuration)
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let run = Task { try await server.run { continuation.yield($0) } }
        var iterator = stream.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let http = HTTPClient.forTest()
        return RunningGateway(
            directory: directory, server: server, run: run, http: http, client: TestClient(base: "http://127.0.0.1:\(port)", client: http))
    }

    func stop() async {
        run.cancel()
        _ = try? await run.value
        try? await http.shutdown()
        directory.remove()
    }

    func nsw(_ body: [UInt8], type: String = "text/xml; charset=utf-8") async throws -> HTTPResult {
        try await client.send(.POST, "/nsw", headers: [("Content-Type", type)], body: body)
    }

    func as4(_ body: [UInt8], type: String = "application/soap+xml; charset=utf-8") async throws -> HTTPResult {
        try await client.send(.POST, "/as4", headers: [("Content-Type", type)], body: body)
    }
}

/// The fault code and the gateway's check name of a SOAP 1.1 fault, or nil when it is not one.
private func soapFault(_ result: HTTPResult) -> (code: String, check: String?)? {
    guard result.headers["content-type"]?.hasPrefix("text/xml") == true, let document = try? XMLDocument(bytes: result.body),
        case .fault(let code, _) = try? SOAP11.content(of: document)
    else { return nil }
    let check = result.text.range(of: #"<swgate:check[^>]*>([^<]*)<"#, options: .regularExpression).map { String(result.text[$0]) }
    return (code, check)
}

/// The ebMS errors of an answer, after checking that the gateway signed it.
private func signedEbmsErrors(_ result: HTTPResult) throws -> [AS4Signals.ErrorSignal] {
    #expect(result.headers["content-type"]?.hasPrefix("application/soap+xml") == true)
    let verification = try aswKeys.verifyAS4Message(result.body, partner: "VN")
    #expect(verification.isSignal)
    return AS4Signals.errors(try XMLDocument(bytes: result.body).root)
}

@Suite("Refusals in the partner's own protocol on /nsw and /as4", .serialized)
struct ProtocolRefusalTests {
    @Test("Too large: a SOAP Client fault (413) on /nsw, a signed ebMS failure (413) on /as4, problem+json (413) on /v1")
    func tooLarge() async throws {
        let gateway = try await RunningGateway.start(maxBodyBytes: 4096)
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 10_000)
        let nsw = try await gateway.nsw(big)
        #expect(nsw.status == 413)
        let fault = try #require(soapFault(nsw), "\(nsw.text)")
        #expect(fault.code == "Client")
        #expect(fault.check?.contains("too-large") == true)
        let as4 = try await gateway.as4(big)
        #expect(as4.status == 413)
        let errors = try signedEbmsErrors(as4)
        #expect(errors.map(\.code) == ["EBMS:0004"])
        #expect(errors.first?.severity == "failure")
        let portal = try await gateway.client.submit(big)
        #expect(portal.status == 413)
        #expect(portal.headers["content-type"] == "application/problem+json")
        #expect(portal.json["type"] as? String == "urn:swgate:problem:too-large")
        await gateway.stop()
    }

    @Test("Wrong media type: a SOAP Client fault (415) on /nsw, a signed ebMS failure (415) on /as4")
    func mediaType() async throws {
        let gateway = try await RunningGateway.start()
        let nsw = try await gateway.nsw(Array("{}".utf8), type: "application/json")
        #expect(nsw.status == 415)
        #expect(soapFault(nsw)?.code == "Client")
        let as4 = try await gateway.as4(Array("{}".utf8), type: "application/json")
        #expect(as4.status == 415)
        #expect(try signedEbmsErrors(as4).first?.severity == "failure")
        await gateway.stop()
    }

    @Test("Wrong method: a SOAP Client fault (405) on /nsw, a signed ebMS failure (405) on /as4, each with Allow")
    func method() async throws {
        let gateway = try await RunningGateway.start()
        let nsw = try await gateway.client.send(.PUT, "/nsw", headers: [("Content-Type", "text/xml")], body: Array("<x/>".utf8))
        #expect(nsw.status == 405)
        #expect(nsw.headers["allow"] == "GET, HEAD, POST")
        let fault = try #require(soapFault(nsw), "\(nsw.text)")
        #expect(fault.code == "Client" && fault.check?.contains("method-not-allowed") == true)
        let as4 = try await gateway.client.send(.GET, "/as4")
        #expect(as4.status == 405)
        #expect(as4.headers["allow"] == "POST")
        #expect(try signedEbmsErrors(as4).first?.severity == "failure")
        await gateway.stop()
    }

    @Test("Shutting down: a SOAP Server fault (503, Retry-After) on /nsw, a signed ebMS warning (503) on /as4, problem+json on /v1")
    func shuttingDown() async throws {
        let gateway = try await RunningGateway.start()
        gateway.server.gate.close()
        let nsw = try await gateway.nsw(Array("<x/>".utf8))
        #expect(nsw.status == 503)
        #expect(nsw.headers["retry-after"] != nil)
        #expect(soapFault(nsw)?.code == "Server", "\(nsw.text)")
        let as4 = try await gateway.as4(Array("<x/>".utf8))
        #expect(as4.status == 503)
        #expect(as4.headers["retry-after"] != nil)
        let errors = try signedEbmsErrors(as4)
        #expect(errors.first?.severity == "warning")
        let portal = try await gateway.client.submit(try FormDSamples.valid)
        #expect(portal.status == 503)
        #expect(portal.json["type"] as? String == "urn:swgate:problem:shutting-down")
        #expect(try await gateway.server.store.stats().messageCount == 0)
        await gateway.stop()
    }

    @Test("Overloaded: beyond the in-flight limit /nsw answers a SOAP Server fault and /as4 a signed ebMS warning, both 503")
    func overloaded() async throws {
        let gateway = try await RunningGateway.start()
        let security = gateway.server.security
        let store = gateway.server.store
        let validator = gateway.server.validator
        for (prefix, endpoint) in [
            ("/nsw", NSWEndpoint(security: security, store: store, validator: validator) as any Endpoint),
            ("/as4", AS4Endpoint(security: security, store: store, validator: validator)),
        ] {
            let gate = IntakeGate(maximumInFlight: 1)
            let held = HeldEndpoint(inner: endpoint)
            let host = EndpointHost(routes: [.init(prefix, gate.guarding(held))])
            let (port, task) = try await startHost(host)
            let client = TestClient(base: "http://127.0.0.1:\(port)", client: gateway.http)
            let type = prefix == "/nsw" ? "text/xml" : "application/soap+xml"
            let first = Task { try await client.send(.POST, prefix, headers: [("Content-Type", type)], body: Array("<x/>".utf8)) }
            #expect(try await eventually(10) { held.waiting })
            let second = try await client.send(.POST, prefix, headers: [("Content-Type", type)], body: Array("<x/>".utf8))
            #expect(second.status == 503)
            #expect(second.headers["retry-after"] != nil)
            if prefix == "/nsw" {
                #expect(soapFault(second)?.code == "Server")
                #expect(soapFault(second)?.check?.contains("overloaded") == true)
            } else {
                #expect(try signedEbmsErrors(second).first?.severity == "warning")
            }
            held.release()
            let answered = try await first.value
            #expect(answered.status != 503, "the request inside the limit was handled by the endpoint")
            task.cancel()
        }
        await gateway.stop()
    }
}

/// Holds each request until ``release()``; refusals are the wrapped endpoint's.
private final class HeldEndpoint: Endpoint {
    let inner: any Endpoint
    private let state = Mutex<(waiting: Bool, continuation: CheckedContinuation<Void, Never>?, released: Bool)>((false, nil, false))

    init(inner: any Endpoint) { self.inner = inner }

    var waiting: Bool { state.withLock { $0.waiting } }

    func release() {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.released = true
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume()
    }

    func handle(_ request: EndpointRequest) async -> EndpointResponse {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                state.waiting = true
                if state.released { return true }
                state.continuation = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
        return await inner.handle(request)
    }

    func refuse(_ refusal: Refusal) -> EndpointResponse { inner.refuse(refusal) }
}

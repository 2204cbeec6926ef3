import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SWGateDomain
import SWGateHTTP
import SWGateServer
import SWGateStore
import SWGateTesting

/// Starts a host on a free loopback port; returns the port and the task running it (cancel to stop).
func startHost(_ host: EndpointHost) async throws -> (Int, Task<Void, any Error>) {
    let (stream, continuation) = AsyncStream<Int>.makeStream()
    let task = Task { try await host.run { port in continuation.yield(port) } }
    var iterator = stream.makeAsyncIterator()
    guard let port = await iterator.next(), port > 0 else { throw CancellationError() }
    return (port, task)
}

/// Runs `server` on the port its configuration names (0: a free loopback port); returns the port
/// it listens on and the task running it (cancel to stop, drained).
func startGateway(_ server: GatewayServer) async throws -> (port: Int, task: Task<Void, any Error>) {
    let (stream, continuation) = AsyncStream<Int>.makeStream()
    let task = Task { try await server.run { continuation.yield($0) } }
    var iterator = stream.makeAsyncIterator()
    guard let port = await iterator.next() else { throw CancellationError() }
    return (port, task)
}

/// One HTTP answer as the tests read it.
struct HTTPResult {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
}

/// A small loopback HTTP client.
struct TestClient {
    let base: String
    let client: HTTPClient

    func send(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: [UInt8]? = nil) async throws -> HTTPResult {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        return HTTPResult(status: Int(response.status.code), headers: fields, body: Array(bytes.readableBytesView))
    }

    /// POST /v1/certificates as the development portal client.
    func submit(_ body: [UInt8], token: String? = DevelopmentToken.submitter, type: String = "application/xml", key: String? = nil) async throws
        -> HTTPResult
    {
        var headers = [("Content-Type", type)]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if let key { headers.append(("Idempotency-Key", key)) }
        return try await send(.POST, "/v1/certificates", headers: headers, body: body)
    }

    func get(_ path: String, token: String = DevelopmentToken.reader) async throws -> HTTPResult {
        try await send(.GET, path, headers: [("Authorization", "Bearer \(token)")])
    }
}

/// Form D variants built from the single-item fixture.
enum FormDSamples {
    static var valid: [UInt8] { get throws { try Fixtures.bytes("valid/formd-single-item.xml") } }

    /// The fixture with another reference number (a different certificate).
    static func withReference(_ reference: String) throws -> [UInt8] {
        try replacing("VN-TH 26/03/000123", with: reference)
    }

    static func replacing(_ old: String, with new: String) throws -> [UInt8] {
        let text = try Fixtures.text("valid/formd-single-item.xml")
        precondition(text.contains(old))
        return Array(text.replacingOccurrences(of: old, with: new).utf8)
    }
}

/// A portal API over a fresh store, served on loopback.
struct PortalHarness {
    let directory: TemporaryDirectory
    let store: SQLiteOutboxStore
    let client: TestClient
    let task: Task<Void, any Error>
    let http: HTTPClient

    static func start(hostLimit: Int = 64 * 1024, documentLimit: Int = 32 * 1024) async throws -> PortalHarness {
        let directory = try TemporaryDirectory()
        let store = try SQLiteOutboxStore(path: directory.path("outbox.sqlite"))
        let intake = DocumentIntake(store: store, validator: try DocumentValidator.standard(), routing: RoutingTable())
        let portal = PortalEndpoint(
            intake: intake, authenticator: PortalAuthenticator(clients: GatewayConfiguration().clients), maxDocumentBytes: documentLimit)
        let (port, task) = try await startHost(EndpointHost(routes: [.init("/v1", portal)], maxBodyBytes: hostLimit))
        // A connection for each of the concurrent tests' 32 clients, and time to get it: with the
        // default 8 per host, requests queued for a connection and failed with
        // `getConnectionFromPoolTimeout` on a machine busy with other work.
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.timeout = .init(connect: .seconds(60))
        let http = HTTPClient.forTest(configuration: configuration)
        return PortalHarness(
            directory: directory, store: store, client: TestClient(base: "http://127.0.0.1:\(port)", client: http), task: task, http: http)
    }

    func stop() async {
        task.cancel()
        try? await http.shutdown()
        try? store.close()
        directory.remove()
    }
}

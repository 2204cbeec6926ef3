import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SWGateHTTP
import SWGateTesting
import Testing

/// Echoes what it was given, so the test can see what the host passed on.
struct EchoEndpoint: Endpoint {
    let name: String
    func handle(_ request: EndpointRequest) async -> EndpointResponse {
        let text = "\(name) \(request.method) \(request.path) q=\(request.query.sorted { $0.key < $1.key }) type=\(request.mediaType ?? "-") body=\(request.body.count)"
        return EndpointResponse(status: request.path.hasSuffix("/teapot") ? 418 : 200, contentType: "text/plain", body: Array(text.utf8))
    }
}

/// Starts a host on a free loopback port and returns the port and the task running it.
func startHost(_ host: EndpointHost) async throws -> (Int, Task<Void, any Error>) {
    let (stream, continuation) = AsyncStream<Int>.makeStream()
    let task = Task { try await host.run { port in continuation.yield(port) } }
    var iterator = stream.makeAsyncIterator()
    guard let port = await iterator.next(), port > 0 else { throw CancellationError() }
    return (port, task)
}

@Suite("Endpoint host over loopback HTTP")
struct EndpointHostTests {
    @Test("Routes by longest prefix, passes query, media type and body, enforces the body limit")
    func routing() async throws {
        let host = EndpointHost(
            routes: [.init("/nsw", EchoEndpoint(name: "nsw")), .init("/v1", EchoEndpoint(name: "v1")), .init("/v1/messages", EchoEndpoint(name: "msg"))],
            maxBodyBytes: 1024)
        let (port, task) = try await startHost(host)
        defer { task.cancel() }
        let client = HTTPClient.forTest()

        func send(_ method: HTTPMethod, _ path: String, body: [UInt8] = [], type: String? = nil) async throws -> (Int, String) {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
            request.method = method
            if let type { request.headers.add(name: "Content-Type", value: type) }
            if !body.isEmpty { request.body = .bytes(ByteBuffer(bytes: body)) }
            let response = try await client.execute(request, timeout: .seconds(10))
            let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
            return (Int(response.status.code), text)
        }

        let wsdl = try await send(.GET, "/nsw?wsdl")
        #expect(wsdl.0 == 200)
        #expect(wsdl.1 == "nsw GET /nsw q=[(key: \"wsdl\", value: \"\")] type=- body=0")
        let post = try await send(.POST, "/v1/messages/abc?limit=5", body: Array(repeating: 65, count: 100), type: "Application/XML; charset=utf-8")
        #expect(post.1 == "msg POST /v1/messages/abc q=[(key: \"limit\", value: \"5\")] type=application/xml body=100")
        #expect(try await send(.GET, "/v1/teapot").0 == 418)
        #expect(try await send(.GET, "/elsewhere").0 == 404)
        #expect(try await send(.GET, "/v10").0 == 404)
        #expect(try await send(.POST, "/nsw", body: Array(repeating: 65, count: 2048)).0 == 413)
        try await client.shutdown()
    }
}

import Foundation
import SWGateDelivery
import SWGateStore
import Testing

@Suite("HTTP POST channel against a real loopback server")
struct HTTPPostChannelTests {
    private func delivery(_ wireID: String = "MSG-1") -> ClaimedDelivery {
        ClaimedDelivery(
            deliveryID: 1, messageID: "m-1", wireMessageID: wireID, destination: "portal", conversation: "VN-1", function: .status,
            payload: Data("<Status/>".utf8), contentType: "application/xml", attempt: 1, acceptedAt: Date(), budgetStartedAt: Date(),
            owner: "test", leaseExpiresAt: Date().addingTimeInterval(60))
    }

    @Test("2xx is delivered, with the exact bytes and the message id header, and the answer kept as receipt")
    func delivered() async throws {
        let server = try await LoopbackHTTPServer { _, _ in (200, "<ACK/>") }
        let result = await HTTPPostChannel(url: server.url).deliver(delivery())
        try await server.shutdown()
        guard case .delivered(let receipt?, 200, _) = result else {
            Issue.record("expected delivered, got \(result)")
            return
        }
        #expect(receipt.body == Data("<ACK/>".utf8))
        #expect(server.requests.map(\.messageID) == ["MSG-1"])
        #expect(server.requests.first?.body == Data("<Status/>".utf8))
        #expect(server.requests.first?.conversation == "VN-1")
    }

    @Test("5xx is transient and 4xx permanent")
    func statusClasses() async throws {
        let server = try await LoopbackHTTPServer { id, _ in id == "FIVE" ? (503, "busy") : (422, "bad document") }
        let channel = HTTPPostChannel(url: server.url)
        let five = await channel.deliver(delivery("FIVE"))
        let four = await channel.deliver(delivery("FOUR"))
        try await server.shutdown()
        #expect(five == .failed(DeliveryFailure(.httpServerError, "HTTP 503: busy", httpStatus: 503)))
        guard case .failed(let failure) = four else {
            Issue.record("422 not a failure")
            return
        }
        #expect(failure.reason == .httpClientError)
        #expect(failure.reason.disposition == .permanent)
    }

    @Test("A redirect is a permanent failure naming its target; the redirected address is never called")
    func redirectNotFollowed() async throws {
        // The document's POST is redirected; a GET of the other address (what a followed 302 turns
        // into) would be answered 200, and the callback taken for delivered without the document.
        let server = try await LoopbackHTTPServer(location: "/moved") { _, body in body.isEmpty ? (200, "moved here") : (302, "") }
        let result = await HTTPPostChannel(url: server.url).deliver(delivery())
        try await server.shutdown()
        guard case .failed(let failure) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(failure.reason == .httpRedirect)
        #expect(failure.reason.disposition == .permanent)
        #expect(failure.httpStatus == 302)
        #expect(failure.description.contains("redirects to /moved"), "\(failure.description)")
        #expect(server.requests.map { "\($0.method) \($0.uri)" } == ["POST /inbox"])
    }

    @Test("A refused connection is a transient connection failure")
    func connectionRefused() async throws {
        // A port bound but not listening refuses connections, and stays ours while the socket is
        // open: a port freed by a stopped server could be taken by another test's server meanwhile.
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        try #require(bound)
        let url = "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))/inbox"
        // The attempt ends with the refusal, not at its deadline: the client no longer retries the
        // connect until then (the attempt took the whole 60 s, holding its slot among the
        // destination's concurrent attempts). Half the timeout is the bound, far from both.
        let started = ContinuousClock.now
        let result = await HTTPPostChannel(url: url, timeout: .seconds(60)).deliver(delivery())
        #expect(ContinuousClock.now - started < .seconds(30), "the attempt waited for its deadline")
        guard case .failed(let failure) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(failure.reason == .connection)
        #expect(failure.reason.disposition == .transient)
        // What the system said, not NIO's "connection reset (error set): Connection refused) (errno: 111)".
        #expect(failure.description == "connection: \(url): Connection refused (errno 111)")
    }

    @Test("No answer within the timeout is a transient timeout")
    func timeout() async throws {
        // The answer comes 10 s after a 0.3 s timeout: margin for a loaded 2-core CI machine,
        // where timers can fire late (1.5 s and then 4 s of margin were seen to be too little
        // while the whole suite ran).
        let server = try await LoopbackHTTPServer { _, _ in
            Thread.sleep(forTimeInterval: 10)
            return (200, "")
        }
        let result = await HTTPPostChannel(url: server.url, timeout: .milliseconds(300)).deliver(delivery())
        try await server.shutdown()
        guard case .failed(let failure) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(failure.reason == .timeout)
    }

    @Test("An answer whose body stops coming is a transient timeout within the exchange's timeout, not the client's read timeout")
    func bodyStallsAfterHead() async throws {
        // The head and part of the body arrive at once; the rest never does. The client's own read
        // timeout is 90 s: the exchange's 0.3 s must bound the body too.
        let server = try await LoopbackHTTPServer(stallBody: true) { _, _ in (200, "<partial") }
        let clock = ContinuousClock()
        let started = clock.now
        let result = await HTTPPostChannel(url: server.url, timeout: .milliseconds(300)).deliver(delivery())
        let elapsed = clock.now - started
        try await server.shutdown()
        guard case .failed(let failure) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(failure.reason == .timeout, "\(failure)")
        #expect(elapsed < .seconds(20), "the exchange took \(elapsed)")
    }
}

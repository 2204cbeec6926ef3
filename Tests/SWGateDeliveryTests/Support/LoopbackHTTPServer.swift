import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A real HTTP/1.1 server on 127.0.0.1 (an ephemeral port) standing in for a partner system.
/// `respond` decides each answer; every request is recorded.
final class LoopbackHTTPServer: Sendable {
    struct Request: Sendable {
        var method: String
        var uri: String
        var messageID: String?
        var conversation: String?
        var body: Data
        var status: Int
    }

    typealias Responder = @Sendable (_ messageID: String?, _ body: Data) -> (status: Int, body: String)

    /// What the server does with a connection after an answer.
    enum Ending: Sendable {
        /// Keeps it open for the next request (HTTP/1.1's default).
        case keepAlive
        /// Closes it without saying so, as a server whose idle timeout fires right after the answer.
        case close
        /// Answers without a length and with `Connection: close`, the end of the connection ending the body.
        case closeDelimited
        /// Closes a connection at its second request instead of answering it, as a server whose idle
        /// timeout fires just as the request arrives (the request is not recorded: it was never read).
        case closeAtSecondRequest
        /// Closes every connection at its first request without answering it (not recorded).
        case closeWithoutAnswer
    }

    private final class RequestLog: Sendable {
        let requests = Mutex<[Request]>([])
        let connections = Mutex(0)
    }

    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let log: RequestLog

    var port: Int { channel.localAddress?.port ?? 0 }
    var url: String { "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)/inbox" }
    private let tls: NIOSSLContext?
    var requests: [Request] { log.requests.withLock { $0 } }
    /// Connections accepted so far.
    var connections: Int { log.connections.withLock { $0 } }

    /// - Parameters:
    ///   - stallBody: announce the answer's length but send only its bytes so far, never the rest
    ///     (a partner that stops in the middle of its answer).
    ///   - location: a `Location` header sent with every answer (for redirects).
    ///   - ending: what happens to the connection after each answer.
    ///   - tls: HTTPS with this server configuration.
    init(
        stallBody: Bool = false, location: String? = nil, ending: Ending = .keepAlive, tls: TLSConfiguration? = nil,
        respond: @escaping Responder
    ) async throws {
        let log = RequestLog()
        let context = try tls.map { try NIOSSLContext(configuration: $0) }
        self.tls = context
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.log = log
        self.group = group
        let record: @Sendable (Request) -> Void = { request in log.requests.withLock { $0.append(request) } }
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                log.connections.withLock { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    if let context { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        Handler(stallBody: stallBody, location: location, ending: ending, respond: respond, record: record))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func shutdown() async throws {
        try await channel.close()
        try await group.shutdownGracefully()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let respond: Responder
        let record: @Sendable (Request) -> Void
        let stallBody: Bool
        let location: String?
        let ending: Ending
        var head: HTTPRequestHead?
        var requestsOnConnection = 0
        var body = Data()

        init(
            stallBody: Bool, location: String?, ending: Ending, respond: @escaping Responder, record: @escaping @Sendable (Request) -> Void
        ) {
            self.stallBody = stallBody
            self.location = location
            self.ending = ending
            self.respond = respond
            self.record = record
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = Data()
            case .body(let buffer):
                body.append(contentsOf: buffer.readableBytesView)
            case .end:
                requestsOnConnection += 1
                if ending == .closeWithoutAnswer || (ending == .closeAtSecondRequest && requestsOnConnection == 2) {
                    context.close(promise: nil)
                    return
                }
                let messageID = head?.headers.first(name: "X-SWGate-Message-Id")
                let answer = respond(messageID, body)
                record(
                    Request(
                        method: head.map { "\($0.method)" } ?? "", uri: head?.uri ?? "", messageID: messageID,
                        conversation: head?.headers.first(name: "X-SWGate-Conversation"), body: body, status: answer.status))
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "text/plain")
                if let location { headers.add(name: "Location", value: location) }
                if ending == .closeDelimited {
                    headers.add(name: "Connection", value: "close")
                } else {
                    headers.add(name: "Content-Length", value: String(answer.body.utf8.count + (stallBody ? 1000 : 0)))
                }
                // HTTP/1.0 for an answer delimited by the connection's end: NIO's encoder would make an
                // HTTP/1.1 answer without a length chunked.
                let responseHead = HTTPResponseHead(
                    version: ending == .closeDelimited ? .http1_0 : .http1_1, status: HTTPResponseStatus(statusCode: answer.status), headers: headers)
                context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: answer.body)))), promise: nil)
                if stallBody {
                    context.flush()
                } else if ending == .keepAlive || ending == .closeAtSecondRequest {
                    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                } else {
                    context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
                }
            }
        }
    }
}

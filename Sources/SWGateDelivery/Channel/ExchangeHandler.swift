import NIOCore
import NIOHTTP1
import NIOTLS

/// The last handler of a partner connection's pipeline (after the HTTP/1.1 codec): writes one
/// request, collects its answer on the event loop, and completes the exchange's promise once, with
/// the answer, or with the deadline, the connection's end or its error. Then it hands the
/// connection back to ``PartnerHTTPClient`` to be kept alive or closed.
final class ExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Start
    typealias OutboundOut = HTTPClientRequestPart

    /// An exchange, written into the channel by ``PartnerHTTPClient``.
    struct Start: Sendable {
        var request: ExchangeRequest
        var promise: EventLoopPromise<Answer>
    }

    /// A whole answer.
    struct Answer: Sendable {
        var status: Int
        var contentType: String?
        var location: String?
        var body: ByteBuffer
    }

    private struct InFlight {
        var promise: EventLoopPromise<Answer>
        var maximumAnswerBytes: Int
        var deadline: Scheduled<Void>?
        var head: HTTPResponseHead?
        var body: ByteBuffer?
        /// Inside a 1xx answer, which precedes the real one.
        var informational = false
    }

    private var inFlight: InFlight?
    private let release: @Sendable (any Channel, _ reusable: Bool) -> Void
    /// An https connection's handshake, completed when TLS says it is done or the connection fails.
    private var handshake: EventLoopPromise<Void>?

    init(release: @escaping @Sendable (any Channel, _ reusable: Bool) -> Void, handshake: EventLoopPromise<Void>?) {
        self.release = release
        self.handshake = handshake
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let start = unwrapOutboundIn(data)
        promise?.succeed()
        guard inFlight == nil, context.channel.isActive else {
            start.promise.fail(ExchangeFailure.closedBeforeAnswer("the connection closed before the request was sent"))
            return
        }
        guard start.request.deadline > .now() else {
            start.promise.fail(ExchangeFailure.deadline)
            return
        }
        inFlight = InFlight(promise: start.promise, maximumAnswerBytes: start.request.maximumAnswerBytes)
        inFlight?.deadline = context.eventLoop.assumeIsolated().scheduleTask(deadline: start.request.deadline) {
            self.fail(ExchangeFailure.deadline, context: context)
        }
        context.write(wrapOutboundOut(.head(start.request.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(start.request.body))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolated().whenFailure { error in
            self.fail(ExchangeFailure.closedBeforeAnswer("the request could not be sent: \(PartnerHTTPClient.describe(error))"), context: context)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard var exchange = inFlight else {
            // Bytes nobody asked for: the connection cannot be trusted to frame the next answer.
            context.close(promise: nil)
            return
        }
        switch unwrapInboundIn(data) {
        case .head(let head):
            exchange.informational = (100..<200).contains(head.status.code) && head.status != .switchingProtocols
            if !exchange.informational { exchange.head = head }
            inFlight = exchange
        case .body(var part):
            guard !exchange.informational else { return }
            let received = (exchange.body?.readableBytes ?? 0) + part.readableBytes
            guard received <= exchange.maximumAnswerBytes else {
                fail(ExchangeFailure.tooLarge, context: context)
                return
            }
            if exchange.body == nil {
                exchange.body = part
            } else {
                exchange.body!.writeBuffer(&part)
            }
            inFlight = exchange
        case .end:
            if exchange.informational {
                inFlight?.informational = false
                return
            }
            guard let head = exchange.head else {
                fail(ExchangeFailure.closed("the answer ended without a status line"), context: context)
                return
            }
            inFlight = nil
            exchange.deadline?.cancel()
            release(context.channel, head.isKeepAlive)
            exchange.promise.succeed(
                Answer(
                    status: Int(head.status.code), contentType: head.headers.first(name: "Content-Type"),
                    location: head.headers.first(name: "Location"), body: exchange.body ?? ByteBuffer()))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        handshake?.fail(ExchangeFailure.closedBeforeAnswer("the connection closed during the TLS handshake"))
        handshake = nil
        if inFlight?.head == nil {
            fail(ExchangeFailure.closedBeforeAnswer("the connection closed before an answer came"), context: context)
        } else {
            fail(ExchangeFailure.closed("the connection closed before the answer was complete"), context: context)
        }
        release(context.channel, false)
        context.fireChannelInactive()
    }

    /// A kept-alive connection idle for ``PartnerHTTPClient/idleTimeout`` (an `IdleStateHandler`
    /// before this one says so) is closed; one with an exchange in flight is the exchange's deadline's.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            handshake?.succeed()
            handshake = nil
        } else if event is IdleStateHandler.IdleStateEvent {
            if inFlight == nil { context.close(promise: nil) }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        handshake?.fail(error)
        handshake = nil
        if inFlight != nil, inFlight?.head == nil {
            fail(ExchangeFailure.closedBeforeAnswer(PartnerHTTPClient.describe(error)), context: context)
        } else {
            fail(error, context: context)
        }
    }

    /// Ends the exchange in flight, if any, with `error`, and closes the connection: what is left
    /// of its answer would be read as the next one's.
    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        if let exchange = inFlight {
            inFlight = nil
            exchange.deadline?.cancel()
            exchange.promise.fail(error)
        }
        if context.channel.isActive { context.close(promise: nil) }
    }
}

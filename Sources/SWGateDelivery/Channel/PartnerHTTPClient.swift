public import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
public import NIOSSL
import Synchronization

/// The HTTP/1.1 client the delivery channels POST to partners with: one request at a time on
/// kept-alive connections, at most ``maximumIdlePerOrigin`` of them kept per partner, each closed
/// after ``idleTimeout`` unused.
///
/// It does what a delivery needs and nothing else, on SwiftNIO directly:
/// - **one deadline for the whole exchange**: connecting, sending, the answer's head and its body;
/// - **no redirects followed**: a 3xx is returned as it is and classified (`http-redirect`),
///   because following it would send a signed document to an address nobody configured;
/// - **no retries of its own**: a connection that cannot be established fails the exchange at once
///   with what the system said (the delivery engine retries with the destination's policy and
///   circuit breaker). The one exception: a kept-alive connection found closed before any of the
///   answer arrived (the partner closed it while idle) gets the request once more on a new connection;
/// - **no decompression** and no `Accept-Encoding`: partners answer with signed XML as it is;
/// - `https` with the system's trust roots and the host name checked (TLS 1.2 or later).
///
/// It replaced AsyncHTTPClient on this path: that client's request bag, pool state machine and
/// generic types, instantiated at run time, cost ≈ 5 % of the gateway's CPU per Form D for
/// features deliveries never use (see `docs/benchmarks-server.md`). A channel calls ``post(url:headers:body:timeout:maximumAnswerBytes:)``
/// from any task; the answer completes on the connection's event loop and resumes the task once.
public final class PartnerHTTPClient: Sendable {
    /// The client the delivery channels (NSW, AS4, portal callbacks) use by default. A
    /// process-wide value on NIO's shared event loops, never shut down.
    public static let shared = PartnerHTTPClient()

    /// Idle kept-alive connections kept per partner (scheme, host and port); more are closed when
    /// their exchange ends. A destination's concurrent attempts (16 by default) stay below it.
    public static let maximumIdlePerOrigin = 64

    /// How long a kept-alive connection may stay unused before the client closes it.
    static let idleTimeout: TimeAmount = .minutes(10)

    private let group: any EventLoopGroup
    private let idle = Mutex<[Origin: [any Channel]]>([:])
    private let targets = Mutex<[String: Target]>([:])
    private let tlsConfiguration: TLSConfiguration
    private let tls = Mutex<NIOSSLContext?>(nil)
    private let opened = Atomic<Int>(0)

    /// A client on NIO's shared event loops (those the listener and the partners' connections use).
    /// - Parameter tlsConfiguration: for `https` partners; by default the system's trust roots,
    ///   the partner's name checked against its certificate, TLS 1.2 or later.
    public init(tlsConfiguration: TLSConfiguration = .makeClientConfiguration()) {
        group = MultiThreadedEventLoopGroup.singleton
        self.tlsConfiguration = tlsConfiguration
    }

    /// Connections opened so far (a kept-alive connection is counted once).
    public var connectionsOpened: Int { opened.load(ordering: .relaxed) }

    /// POSTs `body` with `headers` to `url` and returns the whole answer, or the failure as the
    /// delivery engine classifies it: `timeout` when `timeout` passes first, `connection` for
    /// everything else that kept an answer from arriving (refused, reset, TLS, an answer larger
    /// than `maximumAnswerBytes`, the calling task cancelled).
    public func post(
        url: String, headers: [(String, String)], body: some Collection<UInt8> & Sendable, timeout: Duration, maximumAnswerBytes: Int
    ) async -> Result<HTTPAnswer, DeliveryFailure> {
        let deadline = NIODeadline.now() + .nanoseconds(timeout.wholeNanoseconds)
        let target: Target
        do {
            target = try self.target(url)
        } catch {
            return .failure(DeliveryFailure(.connection, "\(url): \(error)"))
        }
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target.requestURI)
        head.headers.reserveCapacity(headers.count + 3)
        head.headers.add(name: "Host", value: target.hostHeader)
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        head.headers.add(name: "Content-Length", value: String(body.count))
        let request = ExchangeRequest(head: head, body: ByteBuffer(bytes: body), deadline: deadline, maximumAnswerBytes: maximumAnswerBytes)
        do {
            let answer = try await exchange(request, with: target)
            return .success(
                HTTPAnswer(
                    status: answer.status, contentType: answer.contentType, body: Data(answer.body.readableBytesView), location: answer.location))
        } catch let failure as ExchangeFailure {
            switch failure {
            case .deadline: return .failure(DeliveryFailure(.timeout, "no answer from \(url) within \(timeout)"))
            case .closed(let what), .closedBeforeAnswer(let what): return .failure(DeliveryFailure(.connection, "\(url): \(what)"))
            case .tooLarge: return .failure(DeliveryFailure(.connection, "\(url): the answer is larger than \(maximumAnswerBytes) bytes"))
            }
        } catch ChannelError.connectTimeout {
            return .failure(DeliveryFailure(.timeout, "no connection to \(url) within \(timeout)"))
        } catch {
            return .failure(DeliveryFailure(.connection, "\(url): \(Self.describe(error))"))
        }
    }

    /// What the system said for a socket error ("Connection refused (errno 111)"), not NIO's
    /// wrapping of it; other errors as they describe themselves.
    static func describe(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first {
            return describe(first.error)
        }
        if let error = error as? IOError {
            return "\(String(cString: strerror(error.errnoCode))) (errno \(error.errnoCode))"
        }
        if error is NIOSSLError || error is BoringSSLError {
            return "TLS with the partner failed (is its certificate trusted by this host, and does it name the host?): \(error)"
        }
        return "\(error)"
    }

    /// Sends the request on a kept-alive connection or a new one and waits for its answer. A kept-alive
    /// connection that closes before any of the answer arrived was most likely closed by the partner
    /// while idle, just before the request reached it: the request is sent once more, on a new
    /// connection. (Sending a delivery twice is what the engine's retries do anyway; partners
    /// acknowledge a message id they already have.)
    private func exchange(_ request: ExchangeRequest, with target: Target) async throws -> ExchangeHandler.Answer {
        var (channel, reused) = try await connection(to: target, deadline: request.deadline)
        while true {
            do {
                return try await send(request, on: channel)
            } catch ExchangeFailure.closedBeforeAnswer where reused && !Task.isCancelled {
                (channel, reused) = (try await newConnection(to: target, deadline: request.deadline), false)
            }
        }
    }

    /// Writes the request into `channel`'s handler and waits for the answer it collects.
    func send(_ request: ExchangeRequest, on channel: any Channel) async throws -> ExchangeHandler.Answer {
        let promise = channel.eventLoop.makePromise(of: ExchangeHandler.Answer.self)
        let written = channel.eventLoop.makePromise(of: Void.self)
        // A connection closed before the request reached the handler (a TLS handshake refused as it
        // opened, a partner closing it) has no pipeline left: the write fails there, and nothing else
        // would end the exchange. (Once the handler has it, it completes `written` at once.)
        written.futureResult.whenFailure { _ in
            promise.fail(ExchangeFailure.closedBeforeAnswer("the connection closed before the request was sent"))
        }
        channel.writeAndFlush(ExchangeHandler.Start(request: request, promise: promise), promise: written)
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            channel.close(promise: nil)
            promise.fail(ExchangeFailure.closed("the exchange was cancelled"))
        }
    }

    /// A kept-alive connection to the target's origin (`reused`), or a new one.
    private func connection(to target: Target, deadline: NIODeadline) async throws -> (any Channel, reused: Bool) {
        while let channel = idle.withLock({ $0[target.origin]?.popLast() }) {
            if channel.isActive { return (channel, true) }
        }
        return (try await newConnection(to: target, deadline: deadline), false)
    }

    func newConnection(to target: Target, deadline: NIODeadline) async throws -> any Channel {
        let remaining = deadline - .now()
        guard remaining > .zero else { throw ExchangeFailure.deadline }
        let sslContext = target.origin.secure ? try tlsContext() : nil
        let origin = target.origin
        let release: @Sendable (any Channel, Bool) -> Void = { [weak self] channel, reusable in self?.release(channel, to: origin, reusable: reusable)
        }
        let loop = group.next()
        // An https connection is handed out once its handshake is done: a partner that refuses it
        // fails the exchange with what TLS said, and the request is never written into it.
        let handshake = sslContext == nil ? nil : loop.makePromise(of: Void.self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(remaining)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let sslContext {
                            let hostname = target.hostIsAddress ? nil : target.origin.host
                            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: hostname))
                        }
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: Self.idleTimeout))
                        try channel.pipeline.syncOperations.addHandler(ExchangeHandler(release: release, handshake: handshake))
                    }
                }
                .connect(host: target.origin.host, port: target.origin.port).get()
        } catch {
            handshake?.fail(error)
            throw error
        }
        if let handshake {
            let timer = loop.scheduleTask(deadline: deadline) { handshake.fail(ExchangeFailure.deadline) }
            defer { timer.cancel() }
            do {
                try await handshake.futureResult.get()
            } catch {
                channel.close(promise: nil)
                throw error
            }
        }
        opened.add(1, ordering: .relaxed)
        return channel
    }

    /// Called on the connection's event loop when an exchange ended: a connection whose answer
    /// was complete and that the partner keeps alive goes back to the idle connections; any other
    /// is closed. Also called (not reusable) when an idle connection closes, to forget it.
    private func release(_ channel: any Channel, to origin: Origin, reusable: Bool) {
        let kept = idle.withLock { idle -> Bool in
            var connections = idle[origin, default: []]
            connections.removeAll { $0 === channel }
            let keep = reusable && connections.count < Self.maximumIdlePerOrigin
            if keep { connections.append(channel) }
            idle[origin] = connections
            return keep
        }
        if !kept && channel.isActive { channel.close(promise: nil) }
    }

    private func tlsContext() throws -> NIOSSLContext {
        try tls.withLock { context in
            if let context { return context }
            let made = try NIOSSLContext(configuration: tlsConfiguration)
            context = made
            return made
        }
    }

    /// The parsed URL, kept by its text (a destination's URL does not change between attempts).
    private func target(_ url: String) throws -> Target {
        if let known = targets.withLock({ $0[url] }) { return known }
        let parsed = try Target(url)
        targets.withLock { targets in
            if targets.count >= 256 { targets.removeAll() }
            targets[url] = parsed
        }
        return parsed
    }
}

/// Where a request goes: the connection's origin and what the request line and `Host` name.
struct Target: Sendable {
    struct InvalidURL: Error, CustomStringConvertible {
        let description: String
    }

    let origin: Origin
    let requestURI: String
    let hostHeader: String
    let hostIsAddress: Bool

    init(_ url: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), var host = components.host,
            !host.isEmpty
        else {
            throw InvalidURL(description: "not an absolute http or https URL")
        }
        guard scheme == "http" || scheme == "https" else { throw InvalidURL(description: "the scheme \(scheme) is not http or https") }
        let secure = scheme == "https"
        let port = components.port ?? (secure ? 443 : 80)
        // An IPv6 literal: connected to without its brackets, named with them.
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let bracketed = host.contains(":") ? "[\(host)]" : host
        origin = Origin(secure: secure, host: host, port: port)
        hostHeader = components.port == nil ? bracketed : "\(bracketed):\(port)"
        let path = components.percentEncodedPath
        requestURI = (path.isEmpty ? "/" : path) + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        hostIsAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
    }
}

/// A partner's HTTP origin: connections are kept and reused per origin.
struct Origin: Hashable, Sendable {
    var secure: Bool
    var host: String
    var port: Int
}

/// What keeps an exchange from ending with an answer, apart from the connection's own errors.
enum ExchangeFailure: Error {
    case deadline
    /// The connection ended before any of the answer arrived.
    case closedBeforeAnswer(String)
    /// The connection ended in the middle of the answer, or framed it wrongly.
    case closed(String)
    case tooLarge
}

/// The request an exchange writes, prepared off the event loop.
struct ExchangeRequest: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer
    var deadline: NIODeadline
    var maximumAnswerBytes: Int
}

extension Duration {
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

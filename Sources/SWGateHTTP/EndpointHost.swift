import Foundation
import HTTPTypes
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import ServiceLifecycle
import UnixSignals
public import NIOSSL
public import Logging
import NIOCore

/// Serves ``Endpoint``s over HTTP/1.1 with Hummingbird: one listener, routes by path prefix,
/// a body limit, and the bound port reported once listening (port 0 picks a free one).
public struct EndpointHost: Sendable {
    /// A path prefix and the endpoint that answers below it. The longest matching prefix wins.
    public struct Route: Sendable {
        public var prefix: String
        public var endpoint: any Endpoint
        public init(_ prefix: String, _ endpoint: any Endpoint) {
            self.prefix = prefix
            self.endpoint = endpoint
        }
    }

    public var host: String
    public var port: Int
    public var routes: [Route]
    /// Largest accepted request body; larger requests get 413 without reaching an endpoint.
    public var maxBodyBytes: Int
    public var logger: Logger
    /// When set, the listener speaks HTTPS with this configuration (see ``ListenerTLS``);
    /// with trust roots and certificate verification set, clients must present a certificate.
    public var tls: TLSConfiguration?
    /// When set (with ``tls`` requiring client certificates), this check decides about every client
    /// certificate chain instead of the TLS library: chain, validity and revocation (CRLs).
    public var clientCertificateCheck: ClientCertificateCheck?

    public init(
        host: String = "127.0.0.1", port: Int = 0, routes: [Route], maxBodyBytes: Int = 10 * 1024 * 1024, logger: Logger? = nil,
        tls: TLSConfiguration? = nil, clientCertificateCheck: ClientCertificateCheck? = nil
    ) {
        self.tls = tls
        self.clientCertificateCheck = clientCertificateCheck
        self.host = host
        self.port = port
        self.routes = routes.sorted { $0.prefix.count > $1.prefix.count }
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger ?? Logger(label: "swgate.http")
    }

    /// Runs until the task is cancelled or SIGTERM/SIGINT arrives, then shuts down gracefully
    /// (at most 5 s); `onListening` gets the bound port.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: try service(onListening: onListening))], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(5)
        try await ServiceGroup(configuration: configuration).runShuttingDownGracefullyOnCancel()
    }

    /// The host as a `Service`, for a `ServiceGroup` that owns signal handling: on graceful shutdown
    /// it stops accepting connections and lets the requests in flight finish.
    public func service(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let routes = self.routes
        let limit = maxBodyBytes
        // Client certificates are only read when the listener requires and verifies them.
        let readsClientCertificate = tls.map { $0.certificateVerification != .none } ?? false
        let responder = CallbackResponder<EndpointRequestContext> { request, context in
            let certificate = readsClientCertificate ? await Self.clientCertificateDER(of: context.channel) : nil
            return try await Self.respond(to: request, routes: routes, limit: limit, clientCertificateDER: certificate)
        }
        let server: HTTPServerBuilder
        if let tls, readsClientCertificate, let check = clientCertificateCheck {
            let logger = self.logger
            let verify: TLSChannelConfiguration.CustomVerificationCallback = { certificates, promise in
                let chain = certificates.compactMap { try? $0.toDERBytes() }
                guard !chain.isEmpty, chain.count == certificates.count else {
                    logger.warning("TLS client refused: its certificate chain cannot be read")
                    promise.succeed(.failed)
                    return
                }
                switch check(chain) {
                case .accepted:
                    promise.succeed(.certificateVerified)
                case .refused(let reason):
                    logger.warning("TLS client certificate refused", metadata: ["reason": .string(reason)])
                    promise.succeed(.failed)
                }
            }
            server = try .tls(.http1(), configuration: TLSChannelConfiguration(tlsConfiguration: tls, customVerificationCallback: verify))
        } else {
            server = try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1()
        }
        return Application(
            responder: responder,
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "SWGate"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// The DER of the peer certificate the TLS handshake verified, read on the connection's event loop.
    static func clientCertificateDER(of channel: any Channel) async -> [UInt8]? {
        let der = try? await channel.eventLoop.submit { () throws -> [UInt8]? in
            try channel.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self).peerCertificate?.toDERBytes()
        }.get()
        return der ?? nil
    }

    static func respond(to request: Request, routes: [Route], limit: Int, clientCertificateDER: [UInt8]? = nil) async throws -> Response {
        let path = request.uri.path
        guard let route = routes.first(where: { path == $0.prefix || path.hasPrefix($0.prefix.hasSuffix("/") ? $0.prefix : $0.prefix + "/") })
        else {
            return Response(status: .notFound)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch {
            // Refused in the route's own protocol: a SOAP fault on /nsw, an ebMS error on /as4.
            return response(route.endpoint.refuse(Refusal(.tooLarge, "the request body is larger than \(limit) bytes")))
        }
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName  // already lowercased by HTTPTypes
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        // HTTP/1 `Host` arrives as the `:authority` pseudo-header; endpoints see it as `host`.
        if headers["host"] == nil, let authority = request.head.authority { headers["host"] = authority }
        var query: [String: String] = [:]
        // Most requests (every submission) have no query: skip parsing one.
        if let raw = request.uri.query {
            for (key, value) in request.uri.queryParameters {
                query[String(key)] = String(value)
            }
            for item in raw.split(separator: "&") where !item.contains("=") { query[String(item)] = "" }
        }
        let endpointRequest = EndpointRequest(
            method: request.method.rawValue, path: path, query: query, headers: headers, body: Array(buffer: body),
            clientCertificateDER: clientCertificateDER, rawQuery: request.uri.query)
        return response(await route.endpoint.handle(endpointRequest))
    }

    private static func response(_ answer: EndpointResponse) -> Response {
        var responseHeaders = HTTPFields()
        for (name, value) in answer.headers {
            if let fieldName = HTTPField.Name(name) { responseHeaders[fieldName] = value }
        }
        return Response(
            status: .init(code: answer.status), headers: responseHeaders, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}

/// The request context of ``EndpointHost``: Hummingbird's core storage plus the connection's
/// channel, from which the TLS client certificate is read.
struct EndpointRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

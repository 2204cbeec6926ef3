public import AsyncHTTPClient
import NIOCore

extension HTTPClient.Configuration {
    /// The settings every delivery channel (NSW, AS4, HTTP) reaches partners with, and
    /// `swgate doctor` probes them with: ``HTTPClient/shared``'s settings, but
    /// - **no redirects followed**: a partner answering 3xx has its answer classified as it is
    ///   (`http-redirect`, permanent), because following it would send a POST's signed document to
    ///   an address nobody configured, or turn it into a GET without the document (301, 302, 303)
    ///   and take that GET's answer for the partner's;
    /// - up to 64 kept-alive connections per partner instead of 8, so that a destination's
    ///   concurrent attempts (16 by default) do not queue for a connection;
    /// - no response decompression: partners answer with signed XML as it is (no `Accept-Encoding`
    ///   is sent), and a decompressing handler in every connection's pipeline was work on every answer;
    /// - **a connection that cannot be established fails the attempt at once** (`connection`, with
    ///   what the system said), and every request then waiting for a new connection to that
    ///   partner, instead of the client retrying the connect with its own backoff until the
    ///   attempt's deadline: the delivery engine already retries with the destination's policy and
    ///   circuit breaker, and a partner that refuses connections otherwise held each attempt (and
    ///   its slot among the destination's concurrent attempts) for the whole timeout.
    public static var partners: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool = .init(idleTimeout: .seconds(600), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .disabled
        configuration.redirectConfiguration = .disallow
        return configuration
    }
}

extension HTTPClient {
    /// The client every delivery channel uses by default, with ``HTTPClient/Configuration/partners``.
    /// A process-wide value, never shut down.
    public static let partners = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .partners)
}

public import AsyncHTTPClient
import NIOCore
package import SWGateDelivery

extension DeliveryResult {
    /// A failure with `reason`, keeping the HTTP status.
    package static func failure(_ reason: FailureReason, _ message: String, status: Int?) -> DeliveryResult {
        .failed(DeliveryFailure(reason, message, httpStatus: status))
    }
}

extension HTTPClient {
    /// The client the NSW and AS4 channels use by default: ``HTTPClient/shared``'s settings, but up
    /// to 64 kept-alive connections per partner instead of 8, so that a destination's concurrent
    /// attempts (16 by default) do not queue for a connection, and without response decompression:
    /// partners answer with signed XML as it is (no `Accept-Encoding` is sent), and a decompressing
    /// handler in every connection's pipeline was work on every answer. A process-wide value,
    /// never shut down.
    public static let partners: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool = .init(idleTimeout: .seconds(600), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}

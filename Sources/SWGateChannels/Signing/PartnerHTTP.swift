public import AsyncHTTPClient
package import Foundation
import NIOCore
import NIOHTTP1
package import SWGateDelivery

/// One POST to a partner through ``HTTPExchange``, as ``HTTPPostChannel`` sends.
package struct PartnerHTTP {
    package var client: HTTPClient
    package var url: String
    package var timeout: Duration
    package var maximumAnswerBytes: Int

    package init(client: HTTPClient, url: String, timeout: Duration, maximumAnswerBytes: Int) {
        self.client = client
        self.url = url
        self.timeout = timeout
        self.maximumAnswerBytes = maximumAnswerBytes
    }

    package func post(_ body: [UInt8], headers: [(String, String)]) async -> Result<HTTPAnswer, DeliveryFailure> {
        await HTTPExchange.post(client: client, url: url, headers: headers, body: body, timeout: timeout, maximumAnswerBytes: maximumAnswerBytes)
    }
}

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

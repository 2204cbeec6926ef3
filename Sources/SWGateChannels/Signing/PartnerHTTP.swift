public import AsyncHTTPClient
package import Foundation
import NIOCore
import NIOHTTP1
package import SWGateDelivery

/// One POST to a partner, with the same timeout and connection classification as ``HTTPPostChannel``.
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
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let (seconds, attoseconds) = timeout.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        do {
            let response = try await client.execute(request, timeout: .milliseconds(milliseconds))
            let answer = try await response.body.collect(upTo: maximumAnswerBytes)
            return .success(
                HTTPAnswer(
                    status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"),
                    body: Data(answer.readableBytesView)))
        } catch let error as HTTPClientError
            where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout || error == .writeTimeout
        {
            return .failure(DeliveryFailure(.timeout, "no answer from \(url) within \(timeout): \(error)"))
        } catch {
            return .failure(DeliveryFailure(.connection, "\(url): \(error)"))
        }
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

public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
public import SWGateStore

/// POSTs the stored bytes to a fixed URL over AsyncHTTPClient and classifies the answer.
///
/// Each request carries `X-SWGate-Message-Id` (the wire message id, for the receiver's duplicate
/// elimination) and `X-SWGate-Conversation`.
public struct HTTPPostChannel: DeliveryChannel {
    public var url: String
    public var timeout: Duration
    public var maximumAnswerBytes: Int
    public var classifier: any HTTPAnswerClassifier
    public var headers: [(String, String)]
    private let client: HTTPClient

    /// - Parameters:
    ///   - client: the HTTP client; `HTTPClient.shared` by default (never shut down by the channel).
    ///   - timeout: for the whole exchange; keep it well under the engine's lease duration.
    public init(
        url: String, client: HTTPClient = .shared, timeout: Duration = .seconds(30), maximumAnswerBytes: Int = 1 << 20,
        classifier: any HTTPAnswerClassifier = HTTPStatusClassifier(), headers: [(String, String)] = []
    ) {
        self.url = url
        self.client = client
        self.timeout = timeout
        self.maximumAnswerBytes = maximumAnswerBytes
        self.classifier = classifier
        self.headers = headers
    }

    public func deliver(_ delivery: ClaimedDelivery) async -> DeliveryResult {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: delivery.contentType)
        request.headers.add(name: "X-SWGate-Message-Id", value: delivery.wireMessageID)
        request.headers.add(name: "X-SWGate-Conversation", value: delivery.conversation)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: delivery.payload))
        do {
            let response = try await client.execute(request, timeout: .milliseconds(timeout.wholeMilliseconds))
            let body = try await response.body.collect(upTo: maximumAnswerBytes)
            return classifier.classify(
                HTTPAnswer(status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"), body: Data(body.readableBytesView)))
        } catch let error as HTTPClientError where Self.isTimeout(error) {
            return .failed(DeliveryFailure(.timeout, "no answer from \(url) within \(timeout): \(error)"))
        } catch {
            return .failed(DeliveryFailure(.connection, "\(url): \(error)"))
        }
    }

    private static func isTimeout(_ error: HTTPClientError) -> Bool {
        error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout || error == .writeTimeout
    }
}

extension Duration {
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

public import Foundation
import SWGateStore

/// An HTTP answer as a channel received it.
public struct HTTPAnswer: Sendable, Hashable {
    public var status: Int
    public var contentType: String?
    public var body: Data

    public init(status: Int, contentType: String?, body: Data) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// Turns an HTTP answer into a ``DeliveryResult``. A SOAP or AS4 channel supplies its own to read
/// faults and ebMS errors from the body, and falls back to ``HTTPStatusClassifier``.
public protocol HTTPAnswerClassifier: Sendable {
    func classify(_ answer: HTTPAnswer) -> DeliveryResult
}

/// The plain HTTP rule (SPEC 4): 2xx delivered (a non-empty body is kept as the receipt), 5xx
/// transient, 4xx permanent, anything else permanent as unexpected.
public struct HTTPStatusClassifier: HTTPAnswerClassifier {
    public init() {}

    public func classify(_ answer: HTTPAnswer) -> DeliveryResult {
        switch answer.status {
        case 200..<300:
            let receipt = answer.body.isEmpty ? nil : Receipt(contentType: answer.contentType ?? "application/octet-stream", body: answer.body)
            return .delivered(receipt: receipt, httpStatus: answer.status)
        case 500..<600:
            return .failed(DeliveryFailure(.httpServerError, "HTTP \(answer.status)\(Self.excerpt(answer.body))", httpStatus: answer.status))
        case 400..<500:
            return .failed(DeliveryFailure(.httpClientError, "HTTP \(answer.status)\(Self.excerpt(answer.body))", httpStatus: answer.status))
        default:
            return .failed(DeliveryFailure(.unexpectedAnswer, "unexpected HTTP \(answer.status)", httpStatus: answer.status))
        }
    }

    /// The start of an error body, for the attempt's error text.
    static func excerpt(_ body: Data) -> String {
        guard !body.isEmpty else { return "" }
        let text = String(decoding: body.prefix(200), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
        return ": \(text)"
    }
}

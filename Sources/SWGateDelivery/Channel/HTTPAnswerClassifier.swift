public import Foundation
import SWGateStore

/// An HTTP answer as a channel received it.
public struct HTTPAnswer: Sendable, Hashable {
    public var status: Int
    public var contentType: String?
    public var body: Data
    /// The `Location` header, which a redirect names its target with.
    public var location: String?

    public init(status: Int, contentType: String?, body: Data, location: String? = nil) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.location = location
    }
}

/// Turns an HTTP answer into a ``DeliveryResult``. A SOAP or AS4 channel supplies its own to read
/// faults and ebMS errors from the body, and falls back to ``HTTPStatusClassifier``.
public protocol HTTPAnswerClassifier: Sendable {
    func classify(_ answer: HTTPAnswer) -> DeliveryResult
}

/// The plain HTTP rule (docs/delivery.md): 2xx delivered (a non-empty body is kept as the receipt), 5xx
/// transient, 4xx permanent, a redirect permanent (the partners' client never follows one: see
/// ``PartnerHTTPClient``), anything else permanent as unexpected.
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
        case 300..<400:
            let target = answer.location.map { "redirects to \($0)" } ?? "answers with a redirect without a Location"
            return .failed(
                DeliveryFailure(
                    .httpRedirect,
                    "HTTP \(answer.status): the destination \(target); a delivery is never sent on to another address: configure that address if it is the right one",
                    httpStatus: answer.status))
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

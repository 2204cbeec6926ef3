import Foundation

/// A request the gateway turns away before handling it — shutting down, overloaded, body too
/// large, wrong media type — independent of the protocol spoken on the route. Each endpoint says
/// how a refusal looks in its own protocol (``Endpoint/refuse(_:)``): problem+json on the portal
/// API, a SOAP fault on `/nsw`, a signed ebMS error on `/as4`.
public struct Refusal: Sendable, Hashable, CustomStringConvertible {
    /// Why; a struct with static members so new reasons do not break endpoints.
    public struct Reason: Sendable, Hashable, CustomStringConvertible {
        public let code: String
        /// The HTTP status the refusal is answered with.
        public let status: Int
        /// True when the same request may succeed later (the sender should retry).
        public let isTransient: Bool

        public init(code: String, status: Int, isTransient: Bool) {
            self.code = code
            self.status = status
            self.isTransient = isTransient
        }

        public var description: String { code }

        /// The gateway is draining for shutdown.
        public static let shuttingDown = Reason(code: "shutting-down", status: 503, isTransient: true)
        /// More requests are in progress on this route than the listener allows.
        public static let overloaded = Reason(code: "overloaded", status: 503, isTransient: true)
        /// The body is larger than the listener's limit.
        public static let tooLarge = Reason(code: "too-large", status: 413, isTransient: false)
        /// The route does not take the request's method (the response names the ones it takes in `Allow`).
        public static let methodNotAllowed = Reason(code: "method-not-allowed", status: 405, isTransient: false)
        /// The body's media type is not one the route reads.
        public static let unsupportedMediaType = Reason(code: "unsupported-media-type", status: 415, isTransient: false)
    }

    public var reason: Reason
    /// A sentence for people.
    public var detail: String
    /// For transient refusals: when to try again (`Retry-After`).
    public var retryAfterSeconds: Int?

    public init(_ reason: Reason, _ detail: String, retryAfterSeconds: Int? = nil) {
        self.reason = reason
        self.detail = detail
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(reason): \(detail)" }

    /// The default wire form: an RFC 9457 problem document, for endpoints without a protocol of
    /// their own (operations endpoints, simulators).
    public var problemResponse: EndpointResponse {
        var body: [UInt8] = Array(#"{"detail":"#.utf8)
        Refusal.appendJSONString(detail, to: &body)
        body += Array(#","status":\#(reason.status),"title":"#.utf8)
        Refusal.appendJSONString(reason.code, to: &body)
        body += Array(#","type":"urn:swgate:problem:\#(reason.code)"}"#.utf8)
        return EndpointResponse(status: reason.status, contentType: "application/problem+json", body: body).retrying(after: retryAfterSeconds)
    }

    private static func appendJSONString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += Array(#"\""#.utf8)
            case "\\": out += Array(#"\\"#.utf8)
            case _ where scalar.value < 0x20: out += Array(String(format: "\\u%04x", scalar.value).utf8)
            default: out += Array(String(scalar).utf8)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension EndpointResponse {
    /// This response with `Retry-After` when `seconds` is given.
    public func retrying(after seconds: Int?) -> EndpointResponse {
        guard let seconds else { return self }
        var copy = self
        copy.headers["retry-after"] = String(seconds)
        return copy
    }
}

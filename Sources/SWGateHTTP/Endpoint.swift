public import Foundation

/// An HTTP request as the gateway's endpoints see it: independent of the HTTP server library,
/// so endpoints (portal API, NSW, AS4, simulators) are plain values that tests call directly.
public struct EndpointRequest: Sendable {
    /// `GET`, `POST`, …
    public var method: String
    /// The path without the query, e.g. `/nsw`.
    public var path: String
    /// Query parameters; a parameter without value (`?wsdl`) maps to "".
    public var query: [String: String]
    /// The query as received (percent-encoded, without `?`), for endpoints that read repeated
    /// parameters or HTML forms' `+` for space; nil when the URI has none.
    public var rawQuery: String?
    /// Header fields with lower-cased names; repeated fields are joined with ", ".
    public var headers: [String: String]
    /// The whole body (already capped by the host's body limit).
    public var body: [UInt8]
    /// DER of the TLS client certificate, verified against the listener's client CA, when the
    /// listener requires client certificates (``ListenerTLS/clientCAPath``); `nil` otherwise.
    public var clientCertificateDER: [UInt8]?

    public init(
        method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:], body: [UInt8] = [],
        clientCertificateDER: [UInt8]? = nil, rawQuery: String? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.rawQuery = rawQuery
        self.headers = headers
        self.body = body
        self.clientCertificateDER = clientCertificateDER
    }

    /// The media type of the body, lower-cased, without parameters (`text/xml; charset=utf-8` → `text/xml`).
    /// An empty or parameters-only value (`Content-Type: ;`) gives the empty string, never a crash.
    public var mediaType: String? {
        headers["content-type"].map { $0.prefix { $0 != ";" }.trimmingWhitespace().lowercased() }
    }

    /// ``mediaType`` for error messages: the type, or "a missing or empty Content-Type".
    public var mediaTypeDescription: String {
        guard let mediaType, !mediaType.isEmpty else { return "a missing or empty Content-Type" }
        return mediaType
    }
}

/// The answer of an endpoint.
public struct EndpointResponse: Sendable {
    public var status: Int
    /// Header fields; `content-type` is set by the convenience initialisers.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with `contentType` and `body`.
    public init(status: Int, contentType: String, body: [UInt8]) {
        self.init(status: status, headers: ["content-type": contentType], body: body)
    }
}

/// Something that answers HTTP requests: the portal API, the NSW and AS4 endpoints, the partner
/// simulators. Hosted by ``EndpointHost``.
public protocol Endpoint: Sendable {
    func handle(_ request: EndpointRequest) async -> EndpointResponse

    /// `refusal` in this endpoint's protocol. The host and the intake gate call it for what they
    /// turn away before ``handle(_:)`` (body too large, shutting down, overloaded); endpoints call
    /// it for their own media-type checks. The default is RFC 9457 problem+json.
    func refuse(_ refusal: Refusal) -> EndpointResponse
}

extension Endpoint {
    public func refuse(_ refusal: Refusal) -> EndpointResponse { refusal.problemResponse }
}

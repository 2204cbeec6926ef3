public import SWGateDomain

/// An error of the portal API, with a stable code. ``status`` and the problem document are decided
/// here and nowhere else (RFC 9457 `application/problem+json`).
public struct PortalError: Error, Sendable, Hashable {
    /// What went wrong; static members, so new codes do not break clients.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        /// The HTTP status this code is answered with.
        public let status: Int
        public let title: String
        init(_ rawValue: String, _ status: Int, _ title: String) {
            self.rawValue = rawValue
            self.status = status
            self.title = title
        }
        public var description: String { rawValue }

        public static let invalidDocument = Code("invalid-document", 400, "The document is not valid")
        public static let notWellFormed = Code("not-well-formed", 400, "The body is not well-formed XML")
        public static let doctypeForbidden = Code("doctype-forbidden", 400, "DOCTYPE declarations are not allowed")
        public static let xmlLimitExceeded = Code("xml-limit-exceeded", 400, "The document exceeds the gateway's XML limits")
        public static let unknownPredecessor = Code(
            "unknown-predecessor", 409, "The document this one replaces has not been accepted")
        public static let badRequest = Code("bad-request", 400, "The request is malformed")
        public static let unauthenticated = Code("unauthenticated", 401, "Missing or invalid credentials")
        public static let forbidden = Code("forbidden", 403, "The client may not do this")
        public static let notFound = Code("not-found", 404, "No such resource")
        public static let methodNotAllowed = Code("method-not-allowed", 405, "Method not allowed")
        public static let idempotencyConflict = Code("idempotency-conflict", 409, "Idempotency-Key reused with different content")
        public static let referenceConflict = Code("reference-conflict", 409, "Document reference already accepted with different content")
        public static let tooLarge = Code("too-large", 413, "Request body too large")
        public static let unsupportedMediaType = Code("unsupported-media-type", 415, "Unsupported media type")
        public static let unroutable = Code("unroutable", 422, "No routing rule matches the document")
        public static let unavailable = Code("unavailable", 503, "The gateway cannot accept the request now")
        public static let shuttingDown = Code("shutting-down", 503, "The gateway is shutting down")
        public static let overloaded = Code("overloaded", 503, "Too many requests in progress")

        /// Every code, in the order `docs/api.md` and the OpenAPI document list them.
        public static let all: [Code] = [
            .invalidDocument, .notWellFormed, .doctypeForbidden, .xmlLimitExceeded, .badRequest, .unauthenticated, .forbidden, .notFound,
            .methodNotAllowed, .idempotencyConflict, .referenceConflict, .unknownPredecessor, .tooLarge, .unsupportedMediaType, .unroutable,
            .unavailable, .shuttingDown, .overloaded,
        ]
    }

    public var code: Code
    public var detail: String
    /// Every validation failure, for ``Code/invalidDocument``.
    public var issues: [ValidationIssue]

    public init(_ code: Code, _ detail: String, issues: [ValidationIssue] = []) {
        self.code = code
        self.detail = detail
        self.issues = issues
    }
}

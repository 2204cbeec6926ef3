public import Foundation
public import SWGateHTTP
import SWGateDomain
import SWGateStore
public import Logging

/// The portal API under `/v1` (docs/api.md): `POST /v1/documents` (any document profile),
/// `POST /v1/certificates` (Form D), `GET /v1/messages/{id}`, `GET /v1/messages`, and the
/// OpenAPI description of all of them at `GET /v1/openapi.json`. Errors are `application/problem+json`, mapped in ``PortalError``.
public struct PortalEndpoint: Endpoint {
    public let intake: DocumentIntake
    public let authenticator: PortalAuthenticator
    /// Largest Form D accepted (the host's own limit applies to every route before this one).
    public let maxDocumentBytes: Int
    let logger: Logger

    public init(intake: DocumentIntake, authenticator: PortalAuthenticator, maxDocumentBytes: Int = 1 << 20, logger: Logger = Logger(label: "swgate.portal")) {
        self.intake = intake
        self.authenticator = authenticator
        self.maxDocumentBytes = maxDocumentBytes
        self.logger = logger
    }

    public func handle(_ request: EndpointRequest) async -> EndpointResponse {
        do {
            return try await route(request)
        } catch {
            return error.response
        }
    }

    /// Refusals made before a request reaches the API, as problem+json with the API's own codes.
    public func refuse(_ refusal: Refusal) -> EndpointResponse {
        let code: PortalError.Code =
            switch refusal.reason {
            case .tooLarge: .tooLarge
            case .unsupportedMediaType: .unsupportedMediaType
            case .shuttingDown: .shuttingDown
            case .overloaded: .overloaded
            default: .unavailable
            }
        return PortalError(code, refusal.detail).response.retrying(after: refusal.retryAfterSeconds)
    }

    private func route(_ request: EndpointRequest) async throws(PortalError) -> EndpointResponse {
        let path = request.path.hasSuffix("/") && request.path.count > 1 ? String(request.path.dropLast()) : request.path
        switch path {
        case "/v1/openapi.json":
            // The published contract (docs/openapi.json), for integrators: no credentials needed.
            guard request.method == "GET" || request.method == "HEAD" else { throw PortalError(.methodNotAllowed, "use GET /v1/openapi.json") }
            return EndpointResponse(status: 200, contentType: "application/json", body: Array(OpenAPIDocument.json.utf8))
        case "/v1/certificates":
            guard request.method == "POST" else { throw PortalError(.methodNotAllowed, "use POST /v1/certificates") }
            return try await submit(request, expected: DocumentProfile.formDType)
        case "/v1/documents":
            guard request.method == "POST" else { throw PortalError(.methodNotAllowed, "use POST /v1/documents") }
            return try await submit(request, expected: nil)
        case "/v1/messages":
            guard request.method == "GET" else { throw PortalError(.methodNotAllowed, "use GET /v1/messages") }
            _ = try authenticator.authorize(request, for: .read)
            return try await list(request.query)
        default:
            guard path.hasPrefix("/v1/messages/"), path.count > "/v1/messages/".count else {
                throw PortalError(.notFound, "no resource at \(request.path)")
            }
            guard request.method == "GET" else { throw PortalError(.methodNotAllowed, "use GET \(path)") }
            _ = try authenticator.authorize(request, for: .read)
            return try await show(String(path.dropFirst("/v1/messages/".count)))
        }
    }

    /// A business document: of the `expected` profile (the Form D route), or of any profile the
    /// gateway knows, recognised from its root element.
    private func submit(_ request: EndpointRequest, expected: String?) async throws(PortalError) -> EndpointResponse {
        let client = try authenticator.authorize(request, for: .submit)
        guard let mediaType = request.mediaType, ["application/xml", "text/xml"].contains(mediaType) else {
            throw PortalError(.unsupportedMediaType, "send the document as application/xml or text/xml, not \(request.mediaTypeDescription)")
        }
        guard request.body.count <= maxDocumentBytes else {
            throw PortalError(.tooLarge, "the document has \(request.body.count) bytes; the limit is \(maxDocumentBytes)")
        }
        let key = request.headers["idempotency-key"]
        if let key, key.isEmpty || key.count > 255 {
            throw PortalError(.badRequest, "Idempotency-Key must have 1 to 255 characters")
        }
        let accepted = try await intake.submit(request.body, source: "portal", client: client, idempotencyKey: key, expected: expected)
        // Formatting the metadata for every request is wasted work unless info is on.
        if logger.logLevel <= .info {
            var log = logger
            log[metadataKey: "message_id"] = "\(accepted.id)"
            log[metadataKey: "wire_message_id"] = "\(accepted.messageId)"
            if let conversation = accepted.conversation { log[metadataKey: "conversation"] = "\(conversation)" }
            log.info(accepted.duplicate ? "duplicate submission answered with the original" : "document accepted",
                metadata: ["client": "\(client)", "destinations": "\(accepted.destinations.joined(separator: ","))"])
        }
        return EndpointResponse(
            status: 202, headers: ["content-type": "application/json", "location": "/v1/messages/\(accepted.id)"], body: accepted.json)
    }

    private func show(_ id: String) async throws(PortalError) -> EndpointResponse {
        let record: MessageRecord?
        do { record = try await intake.store.message(id: id) } catch { throw PortalError(.unavailable, "the outbox cannot be read: \(error)") }
        guard let record else { throw PortalError(.notFound, "no message \(id)") }
        return EndpointResponse(status: 200, contentType: "application/json", body: JSON.encode(MessageView(record)))
    }

    private func list(_ query: [String: String]) async throws(PortalError) -> EndpointResponse {
        var page = MessagePageQuery()
        if let status = query["status"], !status.isEmpty {
            guard let state = DeliveryState(rawValue: status) else {
                throw PortalError(.badRequest, "status must be one of \(DeliveryState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            page.state = state
        }
        if let destination = query["destination"], !destination.isEmpty { page.destination = destination }
        if let since = query["since"], !since.isEmpty {
            if let date = try? Date(since, strategy: .iso8601) {
                page.acceptedSince = date
            } else if let seconds = try? HumanDuration.seconds(since) {
                page.acceptedSince = Date().addingTimeInterval(-Double(seconds))
            } else {
                throw PortalError(.badRequest, "since must be an ISO 8601 time (2026-01-31T00:00:00Z) or a duration (15m, 2h, 7d)")
            }
        }
        if let limit = query["limit"], !limit.isEmpty {
            guard let value = Int(limit), (1...500).contains(value) else { throw PortalError(.badRequest, "limit must be 1…500") }
            page.limit = value
        }
        if let cursor = query["cursor"], !cursor.isEmpty {
            guard let sequence = PageCursor.decode(cursor) else { throw PortalError(.badRequest, "cursor is not one this API gave out") }
            page.afterSequence = sequence
        }
        do {
            let result = try await intake.store.messagePage(page)
            return EndpointResponse(status: 200, contentType: "application/json", body: JSON.encode(MessageListView(result)))
        } catch {
            throw PortalError(.unavailable, "the outbox cannot be read: \(error)")
        }
    }
}

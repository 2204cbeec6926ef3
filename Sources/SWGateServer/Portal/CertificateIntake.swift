public import Foundation
public import SWGateDomain
public import SWGateStore
import SWGateXML
import SWGateChannels

/// Validate → route → enqueue, for a Form D handed over by the portal (or by `swgate send`).
/// Answers only once the store has committed the message: "accepted means durable" (SPEC 4).
public struct CertificateIntake: Sendable {
    /// What the submitter is told: the 202 body.
    public struct Accepted: Sendable, Hashable, Encodable {
        public var id: String
        public var messageId: String
        public var status: String
        public var destinations: [String]
        /// True when this was a repeat of an earlier submission (same content): nothing new stored.
        public var duplicate: Bool

        enum CodingKeys: String, CodingKey { case id, messageId, status, destinations }

        /// The 202 body: the same JSON as `JSON.encode(self)` (sorted keys), written directly,
        /// because a `JSONEncoder` per accepted message was a measurable part of intake.
        public var json: [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(160 + destinations.count * 16)
            out += Array(#"{"destinations":["#.utf8)
            for (index, destination) in destinations.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONString.append(destination, to: &out)
            }
            out += Array(#"],"id":"#.utf8)
            JSONString.append(id, to: &out)
            out += Array(#","messageId":"#.utf8)
            JSONString.append(messageId, to: &out)
            out += Array(#","status":"#.utf8)
            JSONString.append(status, to: &out)
            out.append(UInt8(ascii: "}"))
            return out
        }
    }

    /// The media type of unsigned Form D payloads; the NSW and AS4 channels sign them at delivery.
    public static let unsignedFormDContentType = ChannelContentType.unsignedFormD

    public let store: any SubmissionStore
    public let validator: DocumentValidator
    public let routing: RoutingTable
    public let metrics: GatewayMetrics
    /// Called after each new enqueue (wakes the delivery engine).
    public let onAccepted: @Sendable () -> Void

    public init(
        store: any SubmissionStore, validator: DocumentValidator, routing: RoutingTable, metrics: GatewayMetrics = GatewayMetrics(),
        onAccepted: @escaping @Sendable () -> Void = {}
    ) {
        self.store = store
        self.validator = validator
        self.routing = routing
        self.metrics = metrics
        self.onAccepted = onAccepted
    }

    /// Validates a bare Form D; every failure is listed in the thrown error.
    public func check(_ bytes: [UInt8]) throws(PortalError) -> FormDSummary {
        let document: XMLDocument
        do {
            // The tree is only validated and summarised; the stored payload is `bytes` itself. Without
            // the whitespace text between elements the parse, the schema walk and the free do less.
            document = try XMLDocument(bytes: bytes, limits: validator.limits, keepIgnorableWhitespace: false)
        } catch {
            throw PortalError(parsing: error)
        }
        let report = validator.validate(document)
        guard report.isValid else {
            throw PortalError(.invalidDocument, "\(report.issues.count) validation failure(s)", issues: report.issues)
        }
        guard report.kind == .formD, let summary = FormDSummary(document.root) else {
            throw PortalError(.invalidDocument, "expected a bare FormD in urn:swgate:atiga:form-d:1, got \(report.kind.rawValue)")
        }
        return summary
    }

    /// Accepts a Form D from `source` on behalf of `client`: validated, routed, then committed.
    public func submit(_ bytes: [UInt8], source: String, client: String, idempotencyKey: String?) async throws(PortalError) -> Accepted {
        let summary = try check(bytes)
        let key = RoutingKey(
            source: source, documentType: RoutingTable.formD, function: summary.function.rawValue, importingCountry: summary.importingCountry)
        guard let destinations = routing.destinations(for: key), !destinations.isEmpty else {
            throw PortalError(.unroutable, "no routing rule sends \(summary.function.rawValue) from \(source) anywhere")
        }
        var message = makeMessage(bytes, summary: summary, source: source, destinations: destinations)
        message.idempotencyKey = IdempotencyKey(
            scope: "certificate:\(source)", key: "\(summary.issuingCountry)/\(summary.referenceNumber)/\(summary.function.rawValue)")
        let headerKey = idempotencyKey.map { IdempotencyKey.submission(client: client, key: $0) }
        let result: EnqueueResult
        do {
            // With an Idempotency-Key, the store looks the key up, stores the message and remembers
            // the key in one transaction: concurrent submissions with one key cannot both be stored.
            if let headerKey {
                result = try await store.enqueue(message, rememberingSubmission: headerKey)
            } else {
                result = try await store.enqueue(message)
            }
        } catch let error as OutboxError {
            throw PortalError(storing: error, summary: summary)
        } catch {
            throw PortalError(.unavailable, "the outbox could not store the message: \(error)")
        }
        if !result.isDuplicate {
            metrics.accepted(destinations: result.destinations)
            onAccepted()
        }
        return Accepted(id: result.id, messageId: result.wireMessageID, status: "accepted", destinations: result.destinations, duplicate: result.isDuplicate)
    }

    /// Enqueues a validated Form D for explicit destinations (`swgate send`), bypassing routing.
    public func send(_ bytes: [UInt8], to destinations: [String], source: String) async throws(PortalError) -> Accepted {
        let summary = try check(bytes)
        let message = makeMessage(bytes, summary: summary, source: source, destinations: destinations)
        let result: EnqueueResult
        do {
            result = try await store.enqueue(message)
        } catch let error as OutboxError {
            throw PortalError(storing: error, summary: summary)
        } catch {
            throw PortalError(.unavailable, "the outbox could not store the message: \(error)")
        }
        metrics.accepted(destinations: result.destinations)
        onAccepted()
        return Accepted(id: result.id, messageId: result.wireMessageID, status: "accepted", destinations: result.destinations, duplicate: false)
    }

    private func makeMessage(_ bytes: [UInt8], summary: FormDSummary, source: String, destinations: [String]) -> NewMessage {
        let body = Data(bytes)
        return NewMessage(
            wireMessageID: UUID().uuidString.lowercased(), conversation: summary.conversationReference, documentType: RoutingTable.formD,
            function: MessageFunction(summary.function.rawValue), source: source,
            payloads: destinations.map { destination in
                OutboundPayload(
                    destination: destination, body: body,
                    contentType: destination == "portal" ? "application/xml" : Self.unsignedFormDContentType)
            },
            // An AMEND or CANCEL joins the conversation of the certificate it replaces, resolved by
            // the store through the whole chain; an unknown predecessor is refused there.
            link: .document(reference: summary.referenceNumber, replaces: summary.replaces))
    }
}

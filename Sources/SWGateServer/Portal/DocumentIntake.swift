public import Foundation
public import SWGateDomain
public import SWGateStore
import SWGateXML

/// Validate → route → enqueue, for a business document of any profile handed over by the portal
/// (or by `swgate send`). Answers only once the store has committed the message: "accepted means
/// durable" (docs/delivery.md).
public struct DocumentIntake: Sendable {
    /// What the submitter is told: the 202 body.
    public struct Accepted: Sendable, Hashable, Encodable {
        public var id: String
        public var messageId: String
        public var status: String
        public var destinations: [String]
        /// True when this was a repeat of an earlier submission (same content): nothing new stored.
        public var duplicate: Bool
        /// The conversation the message belongs to (the reference, or the one it replaces), for logs; not in the 202 body.
        public var conversation: String? = nil

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

    public let store: any SubmissionStore
    public let validator: DocumentValidator
    public let routing: RoutingTable
    /// The kind of each configured destination: a document goes only where its profile has the
    /// codes of the destination's protocol (a licence never to an AS4 destination).
    public let destinationKinds: [String: DestinationKind]
    public let metrics: GatewayMetrics
    /// Called after each new enqueue (wakes the delivery engine).
    public let onAccepted: @Sendable () -> Void

    public init(
        store: any SubmissionStore, validator: DocumentValidator, routing: RoutingTable,
        destinationKinds: [String: DestinationKind] = GatewayConfiguration().destinationKinds, metrics: GatewayMetrics = GatewayMetrics(),
        onAccepted: @escaping @Sendable () -> Void = {}
    ) {
        self.store = store
        self.validator = validator
        self.routing = routing
        self.destinationKinds = destinationKinds
        self.metrics = metrics
        self.onAccepted = onAccepted
    }

    /// A valid business document: its profile and its summary.
    public struct Checked: Sendable {
        public var profile: DocumentProfile
        public var summary: DocumentSummary
    }

    /// Validates a bare business document, of `expected` when given (the Form D route) or of any
    /// profile; every failure is listed in the thrown error.
    public func check(_ bytes: [UInt8], expected: String? = nil) throws(PortalError) -> Checked {
        let document: XMLDocument
        do {
            // The tree is only validated and summarised; the stored payload is `bytes` itself. Without
            // the whitespace text between elements the parse, the schema walk and the free do less.
            document = try XMLDocument(bytes: bytes, limits: validator.limits, keepIgnorableWhitespace: false)
        } catch {
            throw PortalError(parsing: error)
        }
        if let expected, let profile = validator.profiles.profile(named: expected), !profile.matches(document.root) {
            throw PortalError(
                .invalidDocument, "expected \(profile.rootElement) in \(profile.namespace) (\(expected)), got \(document.root.qualifiedName)")
        }
        let report = validator.validate(document)
        guard report.isValid else {
            throw PortalError(.invalidDocument, "\(report.issues.count) validation failure(s)", issues: report.issues)
        }
        guard let profile = validator.profiles.profile(for: document.root), let summary = report.summary else {
            throw PortalError(.invalidDocument, "expected a bare business document (\(validator.profiles.expectation)), got \(report.kind)")
        }
        return Checked(profile: profile, summary: summary)
    }

    /// Accepts a business document from `source` on behalf of `client`: validated, routed by its
    /// document type, then committed. `expected` restricts it to one profile.
    public func submit(
        _ bytes: [UInt8], source: String, client: String, idempotencyKey: String?, expected: String? = nil
    ) async throws(PortalError) -> Accepted {
        let checked = try check(bytes, expected: expected)
        let summary = checked.summary
        let key = RoutingKey(
            source: source, documentType: summary.documentType, function: summary.function, importingCountry: summary.importingCountry)
        guard let destinations = routing.destinations(for: key), !destinations.isEmpty else {
            throw PortalError(.unroutable, "no routing rule sends \(summary.documentType) \(summary.function) from \(source) anywhere")
        }
        try requireCarriable(checked.profile, to: destinations)
        var message = makeMessage(bytes, checked, source: source, destinations: destinations)
        // Form D keeps the key format of the first release, so resubmissions of certificates accepted
        // before still find them; other documents are keyed by their type too.
        let documentKey = "\(summary.issuingCountry)/\(summary.reference)/\(summary.function)"
        message.idempotencyKey =
            summary.documentType == DocumentProfile.formDType
            ? IdempotencyKey(scope: "certificate:\(source)", key: documentKey)
            : IdempotencyKey(scope: "document:\(source)", key: "\(summary.documentType)/" + documentKey)
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
        return Accepted(
            id: result.id, messageId: result.wireMessageID, status: "accepted", destinations: result.destinations, duplicate: result.isDuplicate,
            conversation: message.conversation)
    }

    /// Enqueues a validated business document for explicit destinations (`swgate send`), bypassing routing.
    public func send(_ bytes: [UInt8], to destinations: [String], source: String) async throws(PortalError) -> Accepted {
        let checked = try check(bytes)
        try requireCarriable(checked.profile, to: destinations)
        let message = makeMessage(bytes, checked, source: source, destinations: destinations)
        let result: EnqueueResult
        do {
            result = try await store.enqueue(message)
        } catch let error as OutboxError {
            throw PortalError(storing: error, summary: checked.summary)
        } catch {
            throw PortalError(.unavailable, "the outbox could not store the message: \(error)")
        }
        metrics.accepted(destinations: result.destinations)
        onAccepted()
        return Accepted(
            id: result.id, messageId: result.wireMessageID, status: "accepted", destinations: result.destinations, duplicate: false,
            conversation: message.conversation)
    }

    /// Every destination's protocol can carry the profile: an NSW destination needs the profile's
    /// NSW codes, an AS4 destination its Service and Action.
    private func requireCarriable(_ profile: DocumentProfile, to destinations: [String]) throws(PortalError) {
        for destination in destinations {
            switch destinationKinds[destination] {
            case .nsw? where profile.nsw == nil, .as4? where profile.as4 == nil:
                throw PortalError(
                    .unroutable, "documents of type \(profile.documentType) are not carried over \(destinationKinds[destination]!.rawValue) (destination \(destination))")
            case nil:
                throw PortalError(.unroutable, "the routing names destination \(destination), which is not configured")
            default:
                continue
            }
        }
    }

    /// The stored summary: the bytes a `JSONEncoder` with `.sortedKeys` writes for it (absent
    /// optionals left out, `/` escaped), written directly because the encoder was ≈ 3 % of the
    /// gateway's CPU per accepted message. `DocumentIntakeTests` checks it against the encoder.
    static func summaryJSON(_ summary: DocumentSummary) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(200)
        var first = true
        func field(_ name: String, _ value: String?) {
            guard let value else { return }
            out += Array(((first ? "" : ",") + "\"" + name + "\":").utf8)
            first = false
            JSONString.append(value, to: &out, escapingSlashes: true)
        }
        out.append(UInt8(ascii: "{"))
        field("documentType", summary.documentType)
        field("function", summary.function)
        field("importingCountry", summary.importingCountry)
        field("issueDate", summary.issueDate)
        field("issuingCountry", summary.issuingCountry)
        field("reference", summary.reference)
        field("replaces", summary.replaces)
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }

    private func makeMessage(_ bytes: [UInt8], _ checked: Checked, source: String, destinations: [String]) -> NewMessage {
        let body = Data(bytes)
        let summary = checked.summary
        return NewMessage(
            wireMessageID: MessageIdentifier.random(), conversation: summary.replaces ?? summary.reference,
            documentType: summary.documentType, function: MessageFunction(summary.function), source: source,
            payloads: destinations.map { destination in
                // Partner protocols get the unsigned document, signed at delivery; an HTTP destination the document as is.
                OutboundPayload(
                    destination: destination, body: body,
                    contentType: destinationKinds[destination] == .http ? "application/xml" : checked.profile.mediaType)
            },
            // An AMEND or CANCEL joins the conversation of the document it replaces, resolved by
            // the store through the whole chain; an unknown predecessor is refused there.
            link: .document(reference: summary.reference, replaces: summary.replaces),
            summary: Self.summaryJSON(summary))
    }
}

public import Foundation
public import SWGateStore

/// The callback that carries a partner's answer to the submitter (`docs/delivery.md`,
/// "Callbacks"): a JSON document stored as a new outbox message for the answers' destination, in
/// the transaction that records the delivery's outcome.
///
/// ```json
/// {"answer": {"body": "<base64>", "contentType": "application/xml"}, "at": "2026-12-05T10:00:00.000Z",
///  "errors": [], "event": "received", "function": "ISSUE", "id": "…", "messageId": "…",
///  "partner": "nsw", "reason": null, "reference": "VN-TH 26/03/000123", "status": "RECEIVED"}
/// ```
public struct AnswerCallback: Sendable, Hashable, Encodable {
    /// The media type of the callback body.
    public static let contentType = "application/json"
    /// The document type stored for callbacks in the outbox.
    public static let documentType = "ANSWER"

    public struct Document: Sendable, Hashable, Encodable {
        public var contentType: String
        /// Base64 of the exact bytes.
        public var body: String
    }

    public var event: PartnerAnswer.Event
    /// The gateway id the submitter was given at intake (`id`).
    public var id: String
    /// The wire message id the submitter was given at intake (`messageId`).
    public var messageId: String
    /// The destination that answered (`nsw`, `asw`, …).
    public var partner: String
    /// The conversation (first issue of the chain) the message belongs to.
    public var reference: String
    /// The function of the submitted message (`ISSUE`, `AMEND`, `CANCEL`).
    public var function: String
    public var status: String
    public var reason: String?
    public var errors: [PartnerAnswer.Failure]
    public var at: String
    /// The partner's answer document as received; its base64 is written only when the JSON is.
    private let answerDocument: Receipt?

    /// The partner's answer document: its media type and the base64 of its exact bytes.
    public var answer: Document? {
        answerDocument.map { Document(contentType: $0.contentType, body: $0.body.base64EncodedString()) }
    }

    /// Shared by every callback: encoding with unchanged settings is thread-safe.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public init(answer: PartnerAnswer, to delivery: ClaimedDelivery, at date: Date) {
        event = answer.event
        id = delivery.messageID
        messageId = delivery.wireMessageID
        partner = delivery.destination
        reference = delivery.conversation
        function = delivery.function.rawValue
        status = answer.status
        reason = answer.reason
        errors = answer.errors
        at = date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
        answerDocument = answer.document
    }

    enum CodingKeys: String, CodingKey { case event, id, messageId, partner, reference, function, status, reason, errors, at, answer }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(event, forKey: .event)
        try container.encode(id, forKey: .id)
        try container.encode(messageId, forKey: .messageId)
        try container.encode(partner, forKey: .partner)
        try container.encode(reference, forKey: .reference)
        try container.encode(function, forKey: .function)
        try container.encode(status, forKey: .status)
        try container.encode(reason, forKey: .reason)  // null when absent: every field is always present
        try container.encode(errors, forKey: .errors)
        try container.encode(at, forKey: .at)
        try container.encode(answer, forKey: .answer)
    }

    /// The outbox message that delivers this callback to `routing.destination`. It needs no
    /// idempotency key: it is stored with the transition that ends the attempt, which is applied
    /// once (a worker whose lease was lost stores neither).
    /// The callback body: the bytes `JSONEncoder` writes for this value (sorted keys, slashes not
    /// escaped). An answer without errors (every delivered one) is written directly: encoding the
    /// base64 answer document through `JSONEncoder` was a measurable part of every delivery.
    public var json: Data {
        guard errors.isEmpty else { return (try? Self.encoder.encode(self)) ?? Data("{}".utf8) }
        var out: [UInt8] = []
        out.reserveCapacity(320 + Base64Text.encodedCount(answerDocument?.body.count ?? 0))
        func key(_ name: String, first: Bool = false) {
            out += Array(((first ? "" : ",") + "\"" + name + "\":").utf8)
        }
        out.append(UInt8(ascii: "{"))
        key("answer", first: true)
        if let answerDocument {
            // Base64 needs no escaping: written straight from the bytes, not scanned again.
            out += Array(#"{"body":""#.utf8)
            Base64Text.append(answerDocument.body, to: &out)
            out += Array(#"","contentType":"#.utf8)
            JSONText.append(answerDocument.contentType, to: &out)
            out.append(UInt8(ascii: "}"))
        } else {
            out += Array("null".utf8)
        }
        key("at")
        JSONText.append(at, to: &out)
        key("errors")
        out += Array("[]".utf8)
        key("event")
        JSONText.append(event.rawValue, to: &out)
        key("function")
        JSONText.append(function, to: &out)
        key("id")
        JSONText.append(id, to: &out)
        key("messageId")
        JSONText.append(messageId, to: &out)
        key("partner")
        JSONText.append(partner, to: &out)
        key("reason")
        if let reason { JSONText.append(reason, to: &out) } else { out += Array("null".utf8) }
        key("reference")
        JSONText.append(reference, to: &out)
        key("status")
        JSONText.append(status, to: &out)
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }

    /// The `JSONEncoder` output, kept for answers with errors and to check ``json`` against.
    var encoderJSON: Data { (try? Self.encoder.encode(self)) ?? Data("{}".utf8) }

    public func message(for delivery: ClaimedDelivery, routing: AnswerRouting) -> NewMessage {
        let body = json
        return NewMessage(
            wireMessageID: MessageIdentifier.random(), conversation: delivery.conversation, documentType: Self.documentType,
            function: MessageFunction(event.rawValue.uppercased()), source: delivery.destination,
            payloads: [OutboundPayload(destination: routing.destination, body: body, contentType: Self.contentType)])
    }
}

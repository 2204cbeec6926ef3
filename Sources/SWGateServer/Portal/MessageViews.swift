import Foundation
import SWGateStore

/// `GET /v1/messages/{id}`: a message with each destination's state, attempts and receipts.
struct MessageView: Encodable {
    struct Destination: Encodable {
        var destination: String
        var state: String
        var attempts: Int
        var nextAttemptAt: Date?
        var lastError: String?
        var deliveredAt: Date?
        var timeline: [Attempt]
        var receipts: [Receipt]
    }

    struct Attempt: Encodable {
        var number: Int
        var startedAt: Date
        var durationMs: Int64
        var outcome: String
        var httpStatus: Int?
        var error: String?
    }

    struct Receipt: Encodable {
        var receivedAt: Date
        var contentType: String
        /// The receipt as text when it is UTF-8 (XML, JSON), else base64 with `encoding: "base64"`.
        var body: String
        var encoding: String
    }

    var id: String
    var messageId: String
    var conversation: String
    var function: String
    var source: String
    var acceptedAt: Date
    var status: String
    var destinations: [Destination]

    init(_ record: MessageRecord) {
        id = record.id
        messageId = record.wireMessageID
        conversation = record.conversation
        function = record.function.rawValue
        source = record.source
        acceptedAt = record.acceptedAt
        status = MessageStatus.overall(record.deliveries.map(\.state))
        destinations = record.deliveries.map { d in
            Destination(
                destination: d.destination, state: d.state.rawValue, attempts: d.attemptCount, nextAttemptAt: d.nextAttemptAt,
                lastError: d.lastError, deliveredAt: d.deliveredAt,
                timeline: d.attempts.map {
                    Attempt(
                        number: $0.number, startedAt: $0.startedAt, durationMs: $0.durationMilliseconds, outcome: "\($0.outcome)",
                        httpStatus: $0.httpStatus, error: $0.error)
                },
                receipts: d.receipts.map { r in
                    if let text = String(data: r.body, encoding: .utf8) {
                        return Receipt(receivedAt: r.receivedAt, contentType: r.contentType, body: text, encoding: "utf-8")
                    }
                    return Receipt(receivedAt: r.receivedAt, contentType: r.contentType, body: r.body.base64EncodedString(), encoding: "base64")
                })
        }
    }
}

/// `GET /v1/messages`: one page.
struct MessageListView: Encodable {
    struct Item: Encodable {
        var id: String
        var messageId: String
        var conversation: String
        var function: String
        var source: String
        var acceptedAt: Date
        var status: String
        var destinations: [String: String]
    }

    var items: [Item]
    /// Pass as `cursor` to get the next page; absent on the last page.
    var nextCursor: String?

    init(_ page: MessagePage) {
        items = page.items.map {
            Item(
                id: $0.id, messageId: $0.wireMessageID, conversation: $0.conversation, function: $0.function.rawValue, source: $0.source,
                acceptedAt: $0.acceptedAt, status: MessageStatus.overall(Array($0.deliveries.values)),
                destinations: $0.deliveries.mapValues(\.rawValue))
        }
        nextCursor = page.nextSequence.map(PageCursor.encode)
    }
}

/// The state of a message as a whole, from its deliveries' states.
enum MessageStatus {
    static func overall(_ states: [DeliveryState]) -> String {
        if states.allSatisfy({ $0 == .delivered }) { return "delivered" }
        for state in [DeliveryState.dead, .failed, .sending] where states.contains(state) { return state.rawValue }
        return "pending"
    }
}

/// The opaque listing cursor: base64url of `seq:<n>`. Clients must not build it.
enum PageCursor {
    static func encode(_ sequence: Int64) -> String {
        Data("seq:\(sequence)".utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String) -> Int64? {
        var text = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), let plain = String(data: data, encoding: .utf8), plain.hasPrefix("seq:") else { return nil }
        return Int64(plain.dropFirst(4))
    }
}

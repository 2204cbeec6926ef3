package import Foundation
package import SWGateStore

/// Where an inbound message goes: the destinations of the first routing rule that matches its
/// source (`nsw`, `asw`), document type and function; empty when none matches.
public typealias InboundRoute = @Sendable (_ source: String, _ documentType: String, _ function: String) -> [String]

/// Stores a verified inbound message for the destinations its route names (the portal by
/// default), once per (sender, message id).
package struct InboundIntake {
    /// How the enqueue went.
    package enum Outcome {
        /// Newly stored (with the gateway's id `id`): answer with the acknowledgement built for it.
        case accepted(id: String)
        /// Seen before: answer with the acknowledgement stored with the original.
        case duplicate(acknowledgement: [UInt8]?)
        /// Same sender and message id as an earlier message but different content.
        case conflict(String)
        /// The store could not take it now; the sender should retry.
        case unavailable(String)
        /// No routing rule sends it anywhere: nothing stored.
        case unroutable(String)
    }

    package var store: any OutboxStore
    package var route: InboundRoute

    package init(store: any OutboxStore, route: @escaping InboundRoute) {
        self.store = store
        self.route = route
    }

    package func enqueue(
        sender: String, source: String, messageId: String, conversation: String, link: ConversationLink, documentType: String,
        function: String, payload: [UInt8], contentType: String, acknowledgement: [UInt8]
    ) async -> Outcome {
        let destinations = route(source, documentType, function)
        guard !destinations.isEmpty else {
            return .unroutable("no routing rule sends \(documentType) \(function) from \(source) anywhere")
        }
        let message = NewMessage(
            wireMessageID: messageId, conversation: conversation, documentType: documentType, function: MessageFunction(function),
            source: source, idempotencyKey: .inbound(sender: sender, messageID: messageId), acknowledgement: Data(acknowledgement),
            payloads: destinations.map { OutboundPayload(destination: $0, body: Data(payload), contentType: contentType) },
            // An answer joins the conversation of the reference it is about, a replacing document
            // that of its predecessor, when the gateway knows it: it reaches the portal behind what
            // came before in its chain.
            link: link)
        do {
            let result = try await store.enqueue(message)
            return result.isDuplicate ? .duplicate(acknowledgement: result.acknowledgement.map { Array($0) }) : .accepted(id: result.id)
        } catch let error as OutboxError where error.code == .idempotencyConflict {
            return .conflict("message id \(messageId) from \(sender) was already received with different content")
        } catch {
            return .unavailable("the message could not be stored: \(error)")
        }
    }
}

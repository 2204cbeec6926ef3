import PostgresNIO
import SWGateStore

/// The chains of replacements on PostgreSQL: `conversation_link(reference → conversation)`, read
/// and written in the transaction that stores the message, exactly as the SQLite store's
/// `ConversationLinks` does (`docs/outbox.md`, "Ordering rule"). Rows are never purged.
enum ConversationLinks {
    /// The conversation `message` belongs to, its own reference recorded as a link to it.
    /// - Throws: `.unknownPredecessor` when the message must join a reference that is not linked.
    static func resolve(_ transaction: WriteTransaction, _ message: NewMessage) async throws -> String {
        guard let link = message.link else { return message.conversation }
        var conversation = message.conversation
        if let joins = link.joins {
            if let known = try await transaction.rows("SELECT conversation FROM conversation_link WHERE reference = \(joins)").first {
                conversation = try known.value("conversation", as: String.self)
            } else if link.ifUnknown == .refuse {
                throw OutboxError(
                    .unknownPredecessor,
                    "\(message.function.rawValue) names \(joins) as the document it replaces, and no message with that reference was accepted")
            }
        }
        if let reference = link.reference {
            try await transaction.rows(
                "INSERT INTO conversation_link (reference, conversation) VALUES (\(reference), \(conversation)) ON CONFLICT (reference) DO NOTHING")
        }
        return conversation
    }
}

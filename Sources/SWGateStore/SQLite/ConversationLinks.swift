import GRDB

/// Migration `v5-conversation-links` and the lookups behind ``ConversationLink``: the table
/// `conversation_link(reference → conversation)` that tells which conversation (the first issue of
/// a chain of replacements) every accepted reference belongs to.
///
/// Rows are tiny and never purged: a purge of delivered messages must not cut a chain, or an
/// amendment of a purged issue would start a conversation of its own. The migration fills the
/// table from the ISSUE messages already stored (their conversation is their own reference);
/// amendments stored before it are not linked, so a replacement that names one of them is refused
/// as naming an unknown predecessor (see `docs/outbox.md`).
enum ConversationLinks {
    static func migrate(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE conversation_link (
                    reference TEXT PRIMARY KEY,
                    conversation TEXT NOT NULL
                ) WITHOUT ROWID;
                INSERT OR IGNORE INTO conversation_link (reference, conversation)
                    SELECT conversation, conversation FROM message WHERE function = 'ISSUE';
                """)
    }

    /// The conversation `message` belongs to, its own reference recorded as a link to it.
    /// - Throws: `.unknownPredecessor` when the message must join a reference that is not linked.
    static func resolve(_ db: Database, _ message: NewMessage) throws -> String {
        guard let link = message.link else { return message.conversation }
        var conversation = message.conversation
        if let joins = link.joins {
            if let known = try String.fetchOne(
                db.cachedStatement(sql: "SELECT conversation FROM conversation_link WHERE reference = ?"), arguments: [joins])
            {
                conversation = known
            } else if link.ifUnknown == .refuse {
                throw OutboxError(
                    .unknownPredecessor,
                    "\(message.function.rawValue) names \(joins) as the document it replaces, and no message with that reference was accepted")
            }
        }
        if let reference = link.reference {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO conversation_link (reference, conversation) VALUES (?, ?)")
                .execute(arguments: [reference, conversation])
        }
        return conversation
    }
}

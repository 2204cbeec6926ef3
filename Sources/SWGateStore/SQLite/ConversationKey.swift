import GRDB

/// The key that the claim query's ordering check looks conversations up by: a 32-bit FNV-1a hash
/// of a delivery's destination and conversation, stored in `delivery.conversation_key` (migration
/// `v3-conversation-key`).
///
/// Every enqueue inserts one entry into this index at a place set by its conversation, so under
/// concurrent producers a group-commit transaction dirties one index page per conversation series.
/// A 4-byte integer instead of the two texts makes the index about half as many 16 KiB pages, and
/// so about half the index pages written per commit. Two conversations may share a key: the claim
/// query compares destination and conversation too, so a collision costs a row lookup, never order.
enum ConversationKey {
    static func of(destination: String, conversation: String) -> Int64 {
        var hash: UInt32 = 2_166_136_261
        for byte in destination.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        // 0xFF never occurs in UTF-8: "ab" + "c" and "a" + "bc" hash differently.
        hash = (hash ^ 0xFF) &* 16_777_619
        for byte in conversation.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        // Signed 32 bits: SQLite stores it in 4 bytes.
        return Int64(Int32(bitPattern: hash))
    }

    /// Migration `v3-conversation-key`: the key column, filled for every delivery that is not
    /// delivered (delivered deliveries never block and never leave `delivered`), and its index in
    /// place of `delivery_conversation(destination, conversation, id)`. Rewrites the undelivered
    /// rows once.
    static func migrate(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE delivery ADD COLUMN conversation_key INTEGER")
        let function = DatabaseFunction("swgate_conversation_key", argumentCount: 2, pure: true) { values in
            guard let destination = String.fromDatabaseValue(values[0]), let conversation = String.fromDatabaseValue(values[1]) else {
                return nil
            }
            return of(destination: destination, conversation: conversation)
        }
        db.add(function: function)
        defer { db.remove(function: function) }
        try db.execute(
            sql: """
                UPDATE delivery SET conversation_key = swgate_conversation_key(destination, conversation) WHERE state <> 'delivered';
                DROP INDEX delivery_conversation;
                CREATE INDEX delivery_conversation_key ON delivery(conversation_key);
                """)
    }
}

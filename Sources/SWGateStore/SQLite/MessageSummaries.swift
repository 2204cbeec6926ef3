import GRDB

/// Migration `v6-message-summary`: `message.summary`, the business document's summary (JSON, as
/// the domain's `DocumentSummary` encodes it) computed once at intake. The channels build
/// envelopes from it instead of parsing and summarising the document again at every hop. NULL for
/// messages stored before v6 and for messages that carry no business document (callbacks).
enum MessageSummaries {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE message ADD COLUMN summary BLOB")
    }
}

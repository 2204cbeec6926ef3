import GRDB

/// Migration `v7-first-claim`: `delivery.first_claimed_at`, set by the first claim and kept by
/// every later one. A channel signs a delivery's unsigned document at that date and stores the
/// signed bytes with the attempt's completion, so an attempt whose completion was lost (the
/// process killed after sending) is signed again to the same bytes. NULL until the first claim.
enum FirstClaims {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE delivery ADD COLUMN first_claimed_at INTEGER")
    }
}

/// One step of the PostgreSQL schema: a version number, a name, and the SQL that brings the
/// previous version to this one. A new version is a new entry in ``PostgresSchema/migrations``,
/// never an edit of an old one.
struct PostgresMigration: Sendable {
    var version: Int
    var name: String
    /// Statements run in order, in one transaction with the version row.
    var statements: [String]
}

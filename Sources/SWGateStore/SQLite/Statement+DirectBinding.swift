import Foundation
import GRDB
internal import GRDBSQLite

/// Binds values straight onto a cached GRDB statement's SQLite handle and runs it, for the
/// writer thread's hot paths: enqueue, the audit entries, claims, signed payloads and completions.
///
/// GRDB's `execute(arguments:)` builds a `StatementArguments` array of `DatabaseValue` existentials
/// per call; profiling showed that allocation and its retain/release traffic costing as much writer
/// CPU as SQLite's own insert. This path binds text with `SQLITE_TRANSIENT` (SQLite copies the few
/// bytes) and the payload blob with `SQLITE_STATIC` inside `withUnsafeBytes`, so the 5 KB body is
/// never copied on the Swift side; the statement is stepped and reset before the bytes go out of
/// scope. SQLite's C API stays inside this file.
///
/// Not `Sendable`: like the `Statement` it wraps, it is used only inside one write transaction.
struct DirectStatement {
    private let statement: Statement
    private let handle: OpaquePointer

    init(_ statement: Statement) {
        self.statement = statement
        self.handle = statement.sqliteStatement
    }

    /// Binds `value` (or NULL) at the 1-based `index`.
    func bind(_ value: String?, at index: Int32) {
        guard let value else {
            sqlite3_bind_null(handle, index)
            return
        }
        var string = value
        string.withUTF8 { bytes in
            // A non-nil pointer even for "", so that an empty string binds as text, not NULL.
            let text = bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) } ?? Self.emptyText
            _ = sqlite3_bind_text(handle, index, text, Int32(bytes.count), Self.transient)
        }
    }

    func bind(_ value: Int64, at index: Int32) {
        sqlite3_bind_int64(handle, index, value)
    }

    func bind(_ value: Int64?, at index: Int32) {
        guard let value else {
            sqlite3_bind_null(handle, index)
            return
        }
        sqlite3_bind_int64(handle, index, value)
    }

    /// Binds a small blob (an acknowledgement), copied by SQLite.
    func bind(_ value: Data?, at index: Int32) {
        guard let value else {
            sqlite3_bind_null(handle, index)
            return
        }
        value.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(handle, index, bytes.baseAddress ?? Self.emptyBlob, Int32(bytes.count), Self.transient)
        }
    }

    /// Runs the statement to completion with `blob` bound at `index` without copying it.
    func execute(withBlob blob: Data, at index: Int32) throws {
        try blob.withUnsafeBytes { bytes in
            sqlite3_bind_blob(handle, index, bytes.baseAddress ?? Self.emptyBlob, Int32(bytes.count), nil)  // nil = SQLITE_STATIC
            defer { sqlite3_clear_bindings(handle) }
            try execute()
        }
    }

    /// Runs the statement to completion (an INSERT or UPDATE) and resets it for the next use.
    func execute() throws {
        defer { sqlite3_reset(handle) }
        var code = sqlite3_step(handle)
        while code == SQLITE_ROW { code = sqlite3_step(handle) }
        guard code == SQLITE_DONE else { throw error(code) }
    }

    /// Steps a one-row query and hands the row to `read`; nil when there is no row.
    func fetchOne<T>(_ read: (Row) -> T) throws -> T? {
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        if code == SQLITE_DONE { return nil }
        guard code == SQLITE_ROW else { throw error(code) }
        return read(Row(handle))
    }

    /// Column access for `fetchOne`.
    struct Row {
        fileprivate let handle: OpaquePointer
        fileprivate init(_ handle: OpaquePointer) { self.handle = handle }

        func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

        func string(_ column: Int32) -> String? {
            guard let text = sqlite3_column_text(handle, column) else { return nil }
            let count = Int(sqlite3_column_bytes(handle, column))
            return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
        }

        /// The column's bytes (a blob, or a text's UTF-8); nil for NULL.
        func data(_ column: Int32) -> Data? {
            guard sqlite3_column_type(handle, column) != SQLITE_NULL else { return nil }
            // The pointer first, then its length (SQLite's documented order).
            let bytes = sqlite3_column_blob(handle, column)
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let bytes, count > 0 else { return Data() }
            return Data(bytes: bytes, count: count)
        }
    }

    private func error(_ code: Int32) -> DatabaseError {
        let connection = sqlite3_db_handle(handle)
        let message = connection.map { String(cString: sqlite3_errmsg($0)) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }

    /// `SQLITE_TRANSIENT`, a C macro Swift does not import: SQLite copies the bytes before returning.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    /// A valid pointer for zero bytes (a NULL pointer would bind NULL instead of '' or an empty blob).
    private static var emptyText: UnsafePointer<CChar> { UnsafeRawPointer(("" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self) }
    private static var emptyBlob: UnsafeRawPointer { UnsafeRawPointer(("" as StaticString).utf8Start) }
}

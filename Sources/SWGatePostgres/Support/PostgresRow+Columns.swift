import Foundation
import PostgresNIO
import SWGateStore

/// Typed access to a result column by name; a type mismatch is a store error, not a crash.
extension PostgresRandomAccessRow {
    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try self[column].decode(T.self)
    }

    func date(_ column: String) throws -> Date {
        Date(storeMilliseconds: try value(column, as: Int64.self))
    }

    func optionalDate(_ column: String) throws -> Date? {
        try value(column, as: Int64?.self).map(Date.init(storeMilliseconds:))
    }

    func data(_ column: String) throws -> Data {
        let buffer = try value(column, as: ByteBuffer.self)
        return Data(buffer.readableBytesView)
    }

    func optionalData(_ column: String) throws -> Data? {
        try value(column, as: ByteBuffer?.self).map { Data($0.readableBytesView) }
    }
}

extension PostgresRowSequence {
    /// All rows, each ready for access by column name.
    @discardableResult
    func all() async throws -> [PostgresRandomAccessRow] {
        var rows: [PostgresRandomAccessRow] = []
        for try await row in self { rows.append(row.makeRandomAccess()) }
        return rows
    }

    /// The first row, if any (the rest are drained).
    func first() async throws -> PostgresRandomAccessRow? {
        try await all().first
    }
}

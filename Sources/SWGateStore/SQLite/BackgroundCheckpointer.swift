import GRDB
import Synchronization

/// Copies committed WAL frames into the database file from a connection and thread of its own, so
/// that the writer's group commits do not stop for checkpoints (reading the WAL, writing the
/// database file, and its fsync, which took ≈ 7 ms every ~16 MiB of WAL on the writer thread).
///
/// After each commit the committer calls `commitDidHappen(units:)`; once `unitsPerCheckpoint` units
/// have been committed since the last one, a passive checkpoint runs on this connection, or, if one is
/// already running, one more follows it. Only group commits of at least `minimumBatch` units count: a
/// store committing small transactions is bound by its fsyncs, and checkpoint fsyncs beside them made
/// one transaction per message ≈ 8 % slower; such a store's writer checkpoints as before. Passive
/// checkpoints never block the writer. The writer's own automatic checkpoint (SQLite's `wal_autocheckpoint`)
/// stays on as the bound: if this one falls behind, the writer checkpoints what is left and the
/// WAL restarts as before. Durability is unchanged: commits are fsynced in the WAL by the writer;
/// a checkpoint only moves already durable pages and fsyncs the database file before the WAL may
/// be reused.
final class BackgroundCheckpointer: Sendable {
    private struct State {
        var units = 0
        var running = false
        var again = false
        var closed = false
    }

    private let connection: DatabaseQueue
    private let state = Mutex(State())
    private let unitsPerCheckpoint: Int
    private let minimumBatch: Int

    init(path: String, configuration: GRDB.Configuration, unitsPerCheckpoint: Int = 512, minimumBatch: Int = 8) throws {
        self.unitsPerCheckpoint = unitsPerCheckpoint
        self.minimumBatch = minimumBatch
        connection = try DatabaseQueue(path: path, configuration: configuration)
        try connection.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
    }

    /// This connection's `cache_size` (negative: KiB).
    func cacheSize() throws -> Int {
        try connection.read { try Int.fetchOne($0, sql: "PRAGMA cache_size") ?? 0 }
    }

    /// Counts the `units` of a commit of at least `minimumBatch`; every `unitsPerCheckpoint` of them
    /// start a passive checkpoint, or ask the running one to go once more.
    func commitDidHappen(units: Int) {
        guard units >= minimumBatch else { return }
        let start = state.withLock { state in
            state.units += units
            guard !state.closed, state.units >= unitsPerCheckpoint else { return false }
            state.units = 0
            if state.running {
                state.again = true
                return false
            }
            state.running = true
            return true
        }
        guard start else { return }
        connection.asyncWriteWithoutTransaction { db in
            repeat {
                // A failed passive checkpoint (busy, I/O) is left to the writer's automatic one.
                _ = try? db.checkpoint(.passive)
            } while self.state.withLock { state in
                let again = state.again && !state.closed
                state.again = false
                state.running = again
                return again
            }
        }
    }

    /// Waits for a running checkpoint and closes the connection.
    func close() throws {
        state.withLock { $0.closed = true }
        try connection.close()
    }
}

import Foundation
import SWGateStore
import Testing

@Suite("Background checkpoints")
struct BackgroundCheckpointTests {
    private func fileSize(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    /// 768 messages of ≈ 5 KB from 64 producers: group commits of many units (a checkpoint pass every
    /// 512), ≈ 4 MB of WAL, well below the 1,000 pages (16 MiB) after which the writer would
    /// checkpoint by itself.
    /// Returns each message's id and payload size.
    private func enqueueBurst(_ store: SQLiteOutboxStore) async throws -> [String: Int] {
        try await withThrowingTaskGroup(of: [String: Int].self) { group in
            for producer in 0..<64 {
                group.addTask {
                    var sizes: [String: Int] = [:]
                    for index in 0..<12 {
                        let body = String(repeating: "<line p='\(producer)' i='\(index)'/>", count: 260)
                        let id = try await store.enqueue(formD("W-\(producer)-\(index)", conversation: "C-\(producer)", body: body)).id
                        sizes[id] = body.utf8.count
                    }
                    return sizes
                }
            }
            return try await group.reduce(into: [:]) { $0.merge($1) { first, _ in first } }
        }
    }

    @Test("Committed pages reach the database file while the store runs, and every message survives reopening")
    func pagesReachTheDatabaseFile() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("outbox.sqlite").path
            let store = try SQLiteOutboxStore(path: path)
            let before = try fileSize(path)
            let sizes = try await enqueueBurst(store)
            // The checkpoint runs after the commits, on its own thread: wait for it (at most 10 s).
            let deadline = ContinuousClock.now + .seconds(10)
            while try fileSize(path) < before + 1_000_000, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(try fileSize(path) >= before + 1_000_000)
            try store.close()

            let reopened = try SQLiteOutboxStore(path: path)
            defer { try? reopened.close() }
            #expect(sizes.count == 768)
            for (id, size) in sizes {
                #expect(try await reopened.message(id: id)?.deliveries.first?.payloadSize == size)
            }
            let report = try await reopened.verifyAudit()
            #expect(report.isIntact)
            #expect(report.entryCount == sizes.count)
        }
    }

    @Test("Switched off, the pages stay in the WAL until the writer's own checkpoint")
    func switchedOff() async throws {
        var configuration = SQLiteOutboxStore.Configuration()
        configuration.backgroundCheckpoints = false
        try await withStore(configuration: configuration) { store, path in
            let before = try fileSize(path)
            _ = try await enqueueBurst(store)
            // Nothing runs beside the writer when background checkpoints are off: what the commits
            // left when the last enqueue returned is what there is (the other test waits, because
            // its checkpoint runs on a thread of its own).
            #expect(try fileSize(path) < before + 1_000_000)
            #expect(try fileSize(path + "-wal") > 1_000_000)
        }
    }
}

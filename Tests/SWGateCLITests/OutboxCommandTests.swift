import Foundation
import GRDB
import SWGateStore
import SWGateTesting
import Testing

/// Runs the built `swgate` binary as a subprocess.
private func swgate(_ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, out: String, err: String) {
    let result = try await CommandRunner.swgate(arguments, environment: environment)
    return (result.status, result.standardOutput, result.standardError)
}

/// A temporary store with: one delivered, one dead and one pending message.
private func withPopulatedStore(_ body: (String, [String]) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swgate-cli-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("outbox.sqlite").path
    var ids: [String] = []
    do {
        let store = try SQLiteOutboxStore(path: path)
        for (index, destination) in ["nsw", "asw", "portal"].enumerated() {
            let message = NewMessage(
                wireMessageID: "W-\(index)", conversation: "VN-\(index)", documentType: "ATIGA-FORM-D", function: .issue, source: "portal",
                payloads: [OutboundPayload(destination: destination, body: Data("<FormD/>".utf8), contentType: "application/xml")])
            ids.append(try await store.enqueue(message).id)
        }
        let delivered = try #require(try await store.claim(destination: "nsw", limit: 1, owner: "t", leaseDuration: .seconds(60), now: Date()).first)
        _ = try await store.complete(
            DeliveryCompletion(
                deliveryID: delivered.deliveryID, owner: "t", startedAt: Date(), duration: .milliseconds(1), outcome: .delivered,
                transition: .delivered(receipt: nil)))
        let dead = try #require(try await store.claim(destination: "asw", limit: 1, owner: "t", leaseDuration: .seconds(60), now: Date()).first)
        _ = try await store.complete(
            DeliveryCompletion(
                deliveryID: dead.deliveryID, owner: "t", startedAt: Date(), duration: .milliseconds(1), outcome: .transientFailure,
                error: "HTTP 503", transition: .dead))
        try store.close()
    }
    try await body(path, ids)
}

/// The logical content of a store: every row of every table. (Bytes may move from the WAL to the
/// main file when a connection closes, which changes no content.)
private func fileDigest(_ path: String) throws -> String {
    let queue = try DatabaseQueue(path: path)
    defer { try? queue.close() }
    return try queue.read { db in
        var dump = ""
        for table in ["message", "delivery", "attempt", "receipt", "audit_log", "audit_head"] {
            for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY rowid") { dump += "\(table): \(row)\n" }
        }
        return dump
    }
}

@Suite("swgate outbox and audit commands")
struct OutboxCommandTests {
    @Test("list, show, stats and audit verify read a store; --json output decodes")
    func readCommands() async throws {
        try await withPopulatedStore { path, ids in
            let list = try await swgate(["outbox", "list", "--store", path])
            #expect(list.status == 0)
            #expect(list.out.contains(ids[1]) && list.out.contains("dead"))
            let json = try await swgate(["outbox", "list", "--store", path, "--status", "dead", "--json"])
            let rows = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [[String: Any]]
            #expect(rows?.count == 1)
            #expect(rows?.first?["messageID"] as? String == ids[1])
            let show = try await swgate(["outbox", "show", ids[1], "--store", path])
            #expect(show.status == 0)
            #expect(show.out.contains("HTTP 503") && show.out.contains("accepted"))
            let stats = try await swgate(["outbox", "stats", "--json"], environment: ["SWGATE_STORE": path])
            #expect(stats.status == 0)
            let totals = (try JSONSerialization.jsonObject(with: Data(stats.out.utf8)) as? [String: Any])?["totals"] as? [String: Int]
            #expect(totals == ["pending": 1, "sending": 0, "delivered": 1, "failed": 0, "dead": 1])
            let verify = try await swgate(["audit", "verify", "--store", path])
            #expect(verify.status == 0)
            #expect(verify.out.contains("intact"))
        }
    }

    @Test("replay --dry-run changes nothing; replay records the operator; replaying again finds nothing (exit 1)")
    func replay() async throws {
        try await withPopulatedStore { path, ids in
            let before = try fileDigest(path)
            let dry = try await swgate(["outbox", "replay", "--status", "dead", "--dry-run", "--store", path])
            #expect(dry.status == 0)
            #expect(dry.out.contains("would replay"))
            #expect(try fileDigest(path) == before)
            let real = try await swgate(["outbox", "replay", ids[1], "--operator", "alice", "--store", path])
            #expect(real.status == 0, "\(real.err)")
            let store = try SQLiteOutboxStore(path: path)
            defer { try? store.close() }
            #expect(try await store.message(id: ids[1])?.deliveries.first?.state == .pending)
            #expect(try await store.auditEntries(messageID: ids[1]).contains { $0.event == .replayed && $0.actor == "alice" })
            let again = try await swgate(["outbox", "replay", ids[1], "--store", path])
            #expect(again.status == 1)
        }
    }

    @Test("Bad input exits 2 with a clear message and changes nothing")
    func badInput() async throws {
        try await withPopulatedStore { path, _ in
            let before = try fileDigest(path)
            let cases: [([String], String)] = [
                (["outbox", "show", "no-such-id", "--store", path], "unknown message id"),
                (["outbox", "replay", "no-such-id", "--store", path], "no message with id"),
                (["outbox", "list", "--since", "5x", "--store", path], "bad duration"),
                (["outbox", "purge", "--delivered", "--older-than", "soon", "--store", path], "bad duration"),
                (["outbox", "purge", "--older-than", "7d", "--store", path], "--delivered"),
                (["outbox", "replay", "--status", "pending", "--store", path], "failed or dead"),
                (["outbox", "replay", "--store", path], "message ids or --status"),
                (["outbox", "list", "--status", "lost", "--store", path], "unknown state"),
                (["outbox", "list", "--no-such-flag", "--store", path], "no-such-flag"),
            ]
            for (arguments, message) in cases {
                let result = try await swgate(arguments)
                #expect(result.status == 2, "\(arguments): \(result.err)")
                #expect(result.err.contains(message), "\(arguments): \(result.err)")
            }
            #expect(try fileDigest(path) == before)
        }
    }

    @Test("A missing store is reported, not created")
    func missingStore() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swgate-missing-\(UUID().uuidString)/outbox.sqlite").path
        for command in [["outbox", "list"], ["outbox", "stats"], ["audit", "verify"], ["outbox", "replay", "--status", "dead"]] {
            let result = try await swgate(command + ["--store", path])
            #expect(result.status == 2)
            #expect(result.err.contains("no store at"))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path))
    }

    @Test("A corrupted store file is reported and left unchanged")
    func corruptedStore() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swgate-corrupt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("outbox.sqlite").path
        let bytes = Data((0..<16384).map { _ in UInt8.random(in: 0...255) })
        try bytes.write(to: URL(fileURLWithPath: path))
        for command in [["outbox", "list"], ["outbox", "replay", "--status", "dead"], ["audit", "verify"]] {
            let result = try await swgate(command + ["--store", path])
            #expect(result.status == 2)
            #expect(result.err.contains("corrupted"), "\(result.err)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["outbox.sqlite"])
    }

    @Test("A store locked by another writer beyond the busy timeout: exit 2, nothing changed")
    func lockedStore() async throws {
        try await withPopulatedStore { path, ids in
            var configuration = GRDB.Configuration()
            configuration.allowsUnsafeTransactions = true
            let holder = try DatabaseQueue(path: path, configuration: configuration)
            try await holder.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                try db.execute(sql: "UPDATE message SET source = source")
            }
            let result = try await swgate(["outbox", "replay", ids[1], "--store", path], environment: ["SWGATE_BUSY_TIMEOUT": "1s"])
            try await holder.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
            try holder.close()
            #expect(result.status == 2)
            #expect(result.err.contains("locked"), "\(result.err)")
            let store = try SQLiteOutboxStore(path: path)
            defer { try? store.close() }
            #expect(try await store.message(id: ids[1])?.deliveries.first?.state == .dead)
        }
    }

    @Test("audit verify exits 1 and names the entry when the log was edited")
    func tamperedAudit() async throws {
        try await withPopulatedStore { path, _ in
            let queue = try DatabaseQueue(path: path)
            try await queue.write { try $0.execute(sql: "UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 2") }
            try queue.close()
            let result = try await swgate(["audit", "verify", "--store", path])
            #expect(result.status == 1)
            #expect(result.out.contains("#2") && result.out.contains("edited"))
            let json = try await swgate(["audit", "verify", "--json", "--store", path])
            #expect(json.status == 1)
            #expect(json.out.contains("\"sequence\" : 2"))
        }
    }
}

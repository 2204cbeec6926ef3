import Foundation
import GRDB
import Testing

@testable import SWGateStore

@Suite("Schema migrations")
struct SchemaMigrationTests {
    /// One message as the v2 schema's enqueue wrote it: message row, delivery row, `accepted` entry.
    private func insertV2(_ db: Database, wireID: String, conversation: String, state: String) throws -> String {
        let now = Date().storeMilliseconds
        let id = MessageIdentifier.next(milliseconds: now)
        try db.execute(
            sql: """
                INSERT INTO message (id, wire_message_id, conversation, document_type, function, source, content_digest, accepted_at)
                VALUES (?, ?, ?, 'ATIGA-FORM-D', 'issue', 'portal', ?, ?)
                """,
            arguments: [id, wireID, conversation, String(repeating: "d", count: 64), now])
        try db.execute(
            sql: """
                INSERT INTO delivery (message_seq, destination, conversation, state, payload, content_type, budget_started_at,
                    next_attempt_at, updated_at, delivered_at)
                VALUES (?, 'nsw', ?, ?, ?, 'application/xml', ?, ?, ?, ?)
                """,
            arguments: [db.lastInsertedRowID, conversation, state, payload(wireID), now, now, now, state == "delivered" ? now : nil])
        try AuditLog.append(db, at: now, event: .accepted, messageID: id, destination: nil, actor: "portal", detail: "v2 \(wireID)")
        return id
    }

    private func payload(_ wireID: String) -> Data { Data("<FormD id='\(wireID)'>\(String(repeating: "x", count: 5000))</FormD>".utf8) }

    @Test("A store made by schema v2 migrates to v3 with its messages, payloads, audit chain and conversation order intact")
    func v2StoreMigrates() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("v2.sqlite").path
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: "v2-submission-keys")
            let ids = try await queue.write { db in
                [
                    try insertV2(db, wireID: "A-1", conversation: "VN-A", state: "pending"),
                    try insertV2(db, wireID: "A-2", conversation: "VN-A", state: "pending"),
                    try insertV2(db, wireID: "B-1", conversation: "VN-B", state: "delivered"),
                    try insertV2(db, wireID: "B-2", conversation: "VN-B", state: "pending"),
                ]
            }
            try queue.close()

            let store = try SQLiteOutboxStore(path: path)
            defer { try? store.close() }
            for (id, wireID) in zip(ids, ["A-1", "A-2", "B-1", "B-2"]) {
                let record = try #require(try await store.message(id: id))
                #expect(record.wireMessageID == wireID)
                #expect(record.deliveries.map(\.payloadSize) == [payload(wireID).count])
            }
            // A-2 waits behind A-1; B-2 is free because B-1 was delivered.
            let claimed = try await store.claimNow()
            #expect(claimed.map(\.wireMessageID) == ["A-1", "B-2"])
            #expect(claimed.map(\.payload) == [payload("A-1"), payload("B-2")])
            // A message enqueued after the migration queues behind the migrated ones of its conversation.
            let a3 = try await store.enqueue(formD("A-3", conversation: "VN-A"))
            try await store.finish(try #require(claimed.first), .delivered(receipt: nil))
            #expect(try await store.claimNow().map(\.wireMessageID) == ["A-2"])
            #expect(try await store.claimNow().isEmpty)
            #expect(try await store.message(id: a3.id)?.deliveries.first?.state == .pending)

            let report = try await store.verifyAudit()
            #expect(report.isIntact)
            #expect(try await store.auditEntries(messageID: nil).filter { $0.event == .accepted }.count == 5)
        }
    }

    @Test("A v3 store migrates to v4: messages, keys and seq high-water mark kept; keyless messages stay out of the key index")
    func v3StoreMigrates() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("v3.sqlite").path
            let repeated = NewMessage(
                wireMessageID: "K-1", conversation: "VN-K", documentType: "ATIGA-FORM-D", function: MessageFunction("issue"),
                source: "portal", idempotencyKey: IdempotencyKey(scope: "submission:portal", key: "k-1"),
                payloads: [OutboundPayload(destination: "nsw", body: payload("K-1"), contentType: "application/xml")])
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: "v3-conversation-key")
            let ids = try await queue.write { db in
                let ids = [
                    try insertV2(db, wireID: "K-1", conversation: "VN-K", state: "pending"),
                    try insertV2(db, wireID: "N-1", conversation: "VN-N", state: "pending"),
                    try insertV2(db, wireID: "K-2", conversation: "VN-L", state: "delivered"),
                    try insertV2(db, wireID: "GONE", conversation: "VN-G", state: "delivered"),
                ]
                try db.execute(
                    sql: """
                        UPDATE message SET idempotency_scope = 'submission:portal', idempotency_key = ?, content_digest = ?
                        WHERE wire_message_id = ?
                        """,
                    arguments: ["k-1", SQLiteOutboxStore.contentDigest(repeated), "K-1"])
                try db.execute(
                    sql: "UPDATE message SET idempotency_scope = 'inbound:nsw', idempotency_key = ? WHERE wire_message_id = ?",
                    arguments: ["k-2", "K-2"])
                // The newest message purged: its seq must not be handed out again.
                try db.execute(sql: "DELETE FROM message WHERE wire_message_id = 'GONE'")
                return ids
            }
            let highWater = try await queue.read { try Int64.fetchOne($0, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'message'") }
            #expect(highWater == 4)
            try queue.close()

            let store = try SQLiteOutboxStore(path: path)
            defer { try? store.close() }
            for (id, wireID) in zip(ids.prefix(3), ["K-1", "N-1", "K-2"]) {
                let record = try #require(try await store.message(id: id))
                #expect(record.wireMessageID == wireID)
                #expect(record.deliveries.map(\.payloadSize) == [payload(wireID).count])
            }
            #expect(try await store.message(id: ids[0])?.idempotencyKey == IdempotencyKey(scope: "submission:portal", key: "k-1"))
            #expect(try await store.message(id: ids[1])?.idempotencyKey == nil)
            #expect(try await store.message(id: ids[3]) == nil)

            // The migrated key still makes a repeated submission return the original.
            let duplicate = try await store.enqueue(repeated)
            #expect(duplicate.isDuplicate)
            #expect(duplicate.id == ids[0])
            // A new key and a keyless message are accepted; neither reuses the purged seq.
            let keyed = try await store.enqueue(formD("K-3", conversation: "VN-K3", key: .submission(client: "portal", key: "k-3")))
            let keyless = try await store.enqueue(formD("N-2", conversation: "VN-N2"))
            #expect(!keyed.isDuplicate && !keyless.isDuplicate)
            #expect(try await store.enqueue(formD("K-3", conversation: "VN-K3", key: .submission(client: "portal", key: "k-3"))).id == keyed.id)

            let check = try DatabaseQueue(path: path)
            defer { try? check.close() }
            try await check.read { db in
                let seqs = try Int64.fetchAll(db, sql: "SELECT seq FROM message WHERE id IN (?, ?) ORDER BY seq", arguments: [keyed.id, keyless.id])
                #expect(seqs == [5, 6])
                // The keys are unique through a partial index holding only the keyed messages.
                let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'message_idempotency'")
                #expect(sql?.contains("WHERE idempotency_key IS NOT NULL") == true)
                let entries = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message INDEXED BY message_idempotency WHERE idempotency_key IS NOT NULL")
                #expect(entries == 3)
                #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master WHERE tbl_name = 'message' AND name LIKE 'sqlite_autoindex_message_%'") == 1)
                let plan = try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN SELECT seq FROM message WHERE idempotency_scope = ? AND idempotency_key = ?",
                    arguments: ["s", "k"]
                ).map { $0["detail"] as String }
                #expect(plan.contains { $0.contains("message_idempotency") })
                #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            }
            await #expect(throws: (any Error).self) {
                try await check.write { db in
                    try db.execute(
                        sql: """
                            INSERT INTO message (id, wire_message_id, conversation, document_type, function, source, idempotency_scope,
                                idempotency_key, content_digest, accepted_at)
                            VALUES ('x', 'x', 'x', 'x', 'x', 'x', 'submission:portal', 'k-1', 'x', 0)
                            """)
                }
            }
            #expect(try await store.verifyAudit().isIntact)
        }
    }

    @Test("Conversation keys separate destination from conversation and fit in 32 bits")
    func conversationKeys() {
        let key = ConversationKey.of(destination: "nsw", conversation: "VN-2026-0001")
        #expect(key == ConversationKey.of(destination: "nsw", conversation: "VN-2026-0001"))
        #expect(key != ConversationKey.of(destination: "asw", conversation: "VN-2026-0001"))
        #expect(ConversationKey.of(destination: "ab", conversation: "c") != ConversationKey.of(destination: "a", conversation: "bc"))
        #expect(Int64(Int32.min)...Int64(Int32.max) ~= key)
    }
}

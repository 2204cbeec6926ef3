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

    @Test("Conversation keys separate destination from conversation and fit in 32 bits")
    func conversationKeys() {
        let key = ConversationKey.of(destination: "nsw", conversation: "VN-2026-0001")
        #expect(key == ConversationKey.of(destination: "nsw", conversation: "VN-2026-0001"))
        #expect(key != ConversationKey.of(destination: "asw", conversation: "VN-2026-0001"))
        #expect(ConversationKey.of(destination: "ab", conversation: "c") != ConversationKey.of(destination: "a", conversation: "bc"))
        #expect(Int64(Int32.min)...Int64(Int32.max) ~= key)
    }
}

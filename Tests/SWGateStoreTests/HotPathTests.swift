import Crypto
import Foundation
import GRDB
import SWGateStore
import Testing

/// The enqueue hot path binds straight onto SQLite and builds the audit canonical form byte by byte:
/// these tests pin what it stores to what the straightforward implementation stored.
@Suite("Enqueue hot path: durable, chained, same bytes as before")
struct HotPathTests {
    @Test("Every acknowledged message of a concurrent burst survives closing and reopening, with its exact bytes")
    func burstSurvivesReopen() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("outbox.sqlite").path
            let producers = 32
            let perProducer = 20
            var acknowledged: [String: NewMessage] = [:]
            do {
                let store = try SQLiteOutboxStore(path: path)
                try await withThrowingTaskGroup(of: [(String, NewMessage)].self) { group in
                    for producer in 0..<producers {
                        group.addTask {
                            var accepted: [(String, NewMessage)] = []
                            for index in 0..<perProducer {
                                // Bodies of different sizes, including a 5 KB one and an empty one.
                                let body = String(repeating: "p\(producer)i\(index);", count: index == 0 ? 0 : index * 40)
                                let message = formD(
                                    "W-\(producer)-\(index)", conversation: "C-\(producer)", destinations: ["nsw", "asw"],
                                    key: index.isMultiple(of: 3) ? .submission(client: "c\(producer)", key: "k\(index)") : nil, body: body)
                                let result = try await store.enqueue(message)
                                accepted.append((result.id, message))
                            }
                            return accepted
                        }
                    }
                    for try await accepted in group {
                        for (id, message) in accepted { acknowledged[id] = message }
                    }
                }
                #expect(store.counters.transactions < producers * perProducer)
                try store.close()
            }
            #expect(acknowledged.count == producers * perProducer)
            let reopened = try SQLiteOutboxStore(path: path)
            defer { try? reopened.close() }
            for (id, message) in acknowledged {
                let record = try #require(try await reopened.message(id: id))
                #expect(record.wireMessageID == message.wireMessageID)
                #expect(record.conversation == message.conversation)
                #expect(record.idempotencyKey == message.idempotencyKey)
                #expect(record.deliveries.map(\.destination) == ["nsw", "asw"])
                #expect(record.deliveries.map(\.payloadSize) == message.payloads.map(\.body.count))
            }
            // Payload bytes, content digests and acknowledgements exactly as handed in.
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            let rows = try await queue.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT m.id, m.content_digest, m.acknowledgement, d.destination, d.payload FROM message m
                        JOIN delivery d ON d.message_seq = m.seq
                        """)
            }
            #expect(rows.count == producers * perProducer * 2)
            for row in rows {
                let message = try #require(acknowledged[row["id"]])
                let destination: String = row["destination"]
                let payload = try #require(message.payloads.first { $0.destination == destination })
                #expect(row["payload"] as Data == payload.body)
                #expect(row["acknowledgement"] as Data? == message.acknowledgement)
                #expect(row["content_digest"] as String == Self.referenceDigest(message))
            }
            // One `accepted` entry per message, and the chain verifies after the burst.
            let report = try await reopened.verifyAudit()
            #expect(report.isIntact)
            #expect(report.entryCount == producers * perProducer)
            let entries = try await reopened.auditEntries(messageID: nil)
            #expect(entries.map(\.sequence) == Array(1...Int64(producers * perProducer)))
            #expect(Set(entries.compactMap(\.messageID)) == Set(acknowledged.keys))
        }
    }

    @Test("Duplicates inside a burst return the original; the chain stays intact")
    func duplicatesInBurst() async throws {
        try await withStore { store, _ in
            let message = formD("D-1", key: .submission(client: "portal", key: "same"))
            let results = try await withThrowingTaskGroup(of: EnqueueResult.self) { group in
                for _ in 0..<40 { group.addTask { try await store.enqueue(message) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(results.map(\.id)).count == 1)
            #expect(results.filter { !$0.isDuplicate }.count == 1)
            let report = try await store.verifyAudit()
            #expect(report.isIntact && report.entryCount == 1)
        }
    }

    @Test("The canonical form is byte for byte the documented one")
    func canonicalForm() {
        let cases: [(Int64, Int64, String?, String?, String)] = [
            (1, 0, nil, nil, ""),
            (42, 1_763_700_000_123, "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "nsw", "ISSUE ATIGA-FORM-D conversation=VN-1 sha256=ab"),
            (Int64.max, -5, "é-ü", "asw", "détail | avec : séparateurs"),
        ]
        for (sequence, at, messageID, destination, detail) in cases {
            let fast = AuditEntry.canonicalForm(
                sequence: sequence, atMilliseconds: at, event: "accepted", messageID: messageID, destination: destination, actor: "portal",
                detail: detail, previousHash: AuditEntry.genesisHash)
            var reference = "swgate-audit-v1"
            for field in [String(sequence), String(at), "accepted", messageID ?? "-", destination ?? "-", "portal", detail, AuditEntry.genesisHash] {
                reference += "|\(field.utf8.count):\(field)"
            }
            #expect(fast == Data(reference.utf8))
            #expect(AuditEntry.sha256Hex(fast) == SHA256.hash(data: Data(reference.utf8)).map { String(format: "%02x", $0) }.joined())
        }
    }

    @Test("Gateway ids are lower-case UUID version 7 strings in time order")
    func identifiers() async throws {
        try await withStore { store, _ in
            var ids: [String] = []
            for index in 0..<20 { ids.append(try await store.enqueue(formD("I-\(index)", conversation: "C-\(index)")).id) }
            for id in ids {
                let uuid = try #require(UUID(uuidString: id))
                #expect(uuid.uuidString.lowercased() == id)
                #expect(Array(id)[14] == "7")
                #expect("89ab".contains(Array(id)[19]))
            }
            #expect(ids.map { String($0.prefix(13)) } == ids.map { String($0.prefix(13)) }.sorted())
        }
    }

    /// The content digest as the first implementation computed it (one buffer, then SHA-256).
    static func referenceDigest(_ message: NewMessage) -> String {
        var data = Data()
        for field in [message.function.rawValue, message.conversation, message.documentType] {
            data.append(contentsOf: Array("\(field.utf8.count):\(field)|".utf8))
        }
        for payload in message.payloads.sorted(by: { $0.destination < $1.destination }) {
            data.append(contentsOf: Array("\(payload.destination.utf8.count):\(payload.destination)|\(payload.body.count):".utf8))
            data.append(payload.body)
        }
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

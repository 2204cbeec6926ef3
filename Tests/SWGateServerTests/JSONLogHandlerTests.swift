import Foundation
import Logging
import SWGateServer
import Synchronization
import Testing

@Suite("JSONLogHandler: one JSON object per line, credentials redacted")
struct JSONLogHandlerTests {
    @Test("Fields, merged metadata, and redaction of credential keys and bearer tokens")
    func lines() throws {
        let collected = Mutex<[UInt8]>([])
        let output = JSONLogHandler.Output { bytes in collected.withLock { $0 += bytes } }
        var logger = Logger(label: "swgate.test", factory: { JSONLogHandler(label: $0, output: output) })
        logger.logLevel = .debug
        logger[metadataKey: "message_id"] = "m-1"
        logger.info(
            "refused Authorization: Bearer abc.DEF-123_x= for client",
            metadata: ["conversation": "VN-TH 26/03/1", "authorization": "Bearer abc", "db_password": "pw", "idempotency_key": "k-1"])
        logger.trace("not written")
        logger.debug("second line")
        let text = String(decoding: collected.withLock { $0 }, as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["level"] as? String == "info")
        #expect(first["label"] as? String == "swgate.test")
        #expect(first["message"] as? String == "refused Authorization: Bearer [redacted] for client")
        #expect((first["time"] as? String).flatMap { try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse($0) } != nil)
        let metadata = try #require(first["metadata"] as? [String: String])
        #expect(
            metadata == [
                "message_id": "m-1", "conversation": "VN-TH 26/03/1", "authorization": "[redacted]", "db_password": "[redacted]",
                "idempotency_key": "k-1",
            ])
        #expect(!text.contains("abc"))
        #expect(!text.contains("\"pw\""))
    }
}

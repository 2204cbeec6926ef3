import Logging
import SWGateServer
import Synchronization
import Testing

@Suite("TextLogHandler: the logger's metadata on every line written, the line's own winning")
struct TextLogHandlerTests {
    /// Records what reaches it, as the standard-error handler would write it.
    struct Recorder: LogHandler {
        let box: Box
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            box.events.withLock { $0.append((event.level, event.message.description, event.metadata ?? [:])) }
        }
    }

    final class Box: Sendable { let events = Mutex<[(level: Logger.Level, message: String, metadata: Logger.Metadata)]>([]) }

    @Test("Metadata set on the logger and on the line are both written; levels below the logger's are not")
    func metadataMerged() {
        let box = Box()
        var logger = Logger(label: "swgate.test") { _ in TextLogHandler(writingTo: Recorder(box: box)) }
        logger.logLevel = .info
        logger[metadataKey: "hb.request.id"] = "r-1"
        logger[metadataKey: "message_id"] = "m-1"
        logger.debug("not written")
        logger.info("document accepted", metadata: ["message_id": "m-2", "client": "dev-portal"])
        logger.warning("no metadata of its own")
        let events = box.events.withLock { $0 }
        #expect(events.map(\.message) == ["document accepted", "no metadata of its own"])
        #expect(events.map(\.level) == [.info, .warning])
        #expect(events[0].metadata == ["hb.request.id": "r-1", "message_id": "m-2", "client": "dev-portal"])
        #expect(events[1].metadata == ["hb.request.id": "r-1", "message_id": "m-1"])
        #expect(logger[metadataKey: "message_id"] == "m-1")
    }
}

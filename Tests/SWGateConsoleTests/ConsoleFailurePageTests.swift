import Foundation
import Logging
import SWGateConsole
import SWGateHTTP
import SWGateStore
import SWGateTesting
import Synchronization
import Testing

@Suite("Console: the error page")
struct ConsoleFailurePageTests {
    @Test("A store failure gives a 500 page with a reference and without the error's text; the log has both")
    func reference() async throws {
        let recorder = LogRecorder()
        let failing = FailingStatsStore()
        let harness = try ConsoleHarness(logger: Logger(label: "swgate.console", factory: { _ in recorder })) { store in
            failing.inner.withLock { $0 = store }
            return ConsoleContext(store: failing, version: "test")
        }
        defer { harness.close() }
        let alice = try await harness.signIn("alice", ConsoleHarness.operatorPassword)
        let page = await harness.send("GET", "/console/", cookie: alice.cookie)
        #expect(page.status == 500)
        #expect(!page.text.contains(FailingStatsStore.secretText) && !page.text.contains("store-unavailable"))
        let reference = try #require(page.textOf("reference"))
        #expect(reference.count == 12)
        let logged = recorder.messages.filter { $0.contains(reference) }
        #expect(logged.count == 1 && logged.first?.contains(FailingStatsStore.secretText) == true, "\(recorder.messages)")
    }
}

/// Keeps every message logged.
final class LogRecorder: LogHandler, Sendable {
    private let lines = Mutex<[String]>([])
    var messages: [String] { lines.withLock { $0 } }

    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }
    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        lines.withLock { $0.append(event.message.description) }
    }
}

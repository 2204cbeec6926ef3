import Foundation
import SWGateStore
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The built products directory (where the test bundle and the OutboxCrashHarness binary are).
func productsDirectory() -> URL {
    URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
}

@Suite("Crash safety")
struct CrashSafetyTests {
    /// Starts the harness; its stdout goes to a file so that nothing it wrote before SIGKILL is lost.
    private func start(store: String, url: String, prefix: String, count: Int, output: URL) throws -> Process {
        let process = Process()
        process.executableURL = productsDirectory().appendingPathComponent("OutboxCrashHarness")
        process.arguments = ["--store", store, "--url", url, "--prefix", prefix, "--count", String(count), "--interval-ms", "4"]
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Ids the child reported as accepted: complete lines only (a line cut by SIGKILL does not count).
    private func acceptedIDs(in output: URL, prefix: String) throws -> [String] {
        let text = String(decoding: try Data(contentsOf: output), as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if !text.hasSuffix("\n") { lines.removeLast() }
        return lines.map(String.init).filter { $0.hasPrefix("\(prefix)-") }
    }

    @Test("SIGKILL at random moments, five times: every accepted message is delivered, none lost", .timeLimit(.minutes(3)))
    func killedChildLosesNothing() async throws {
        let harness = productsDirectory().appendingPathComponent("OutboxCrashHarness")
        try #require(FileManager.default.isExecutableFile(atPath: harness.path), "OutboxCrashHarness not built at \(harness.path)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swgate-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("outbox.sqlite").path

        // The receiver fails half the requests (503) and records the ids it accepted (200).
        let server = try await LoopbackHTTPServer { _, _ in Bool.random() ? (503, "try later") : (200, "ok") }
        var accepted: [String] = []
        var children: [Process] = []
        defer { for child in children where child.isRunning { kill(child.processIdentifier, SIGKILL) } }

        for run in 0..<5 {
            let output = directory.appendingPathComponent("run\(run).out")
            let child = try start(store: store, url: server.url, prefix: "run\(run)", count: 60, output: output)
            children.append(child)
            try await Task.sleep(for: .milliseconds(Int.random(in: 150...700)))
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            #expect(child.terminationReason == .uncaughtSignal)
            accepted += try acceptedIDs(in: output, prefix: "run\(run)")
        }
        #expect(!accepted.isEmpty)

        // A last run, left alone, drains the queue.
        let output = directory.appendingPathComponent("final.out")
        let final = try start(store: store, url: server.url, prefix: "final", count: 3, output: output)
        children.append(final)
        let delivered: @Sendable () -> Set<String> = { Set(server.requests.filter { $0.status == 200 }.compactMap(\.messageID)) }
        let everything = await eventually(within: 90) { Set(accepted).isSubset(of: delivered()) }
        kill(final.processIdentifier, SIGKILL)
        final.waitUntilExit()
        try await server.shutdown()

        let missing = Set(accepted).subtracting(delivered())
        #expect(everything, "accepted but never delivered: \(missing.sorted())")
        #expect(missing.isEmpty)

        // The store survived five kills with its audit chain intact.
        let reopened = try SQLiteOutboxStore(path: store)
        defer { try? reopened.close() }
        #expect(try await reopened.verifyAudit().isIntact)
    }
}

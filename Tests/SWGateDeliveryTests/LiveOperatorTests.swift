import Foundation
import SWGateStore
import SWGateTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Operator commands while a gateway runs")
struct LiveOperatorTests {
    private func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, out: String) {
        let result = try await CommandRunner.run(productsDirectory().appendingPathComponent(executable).path, arguments)
        return (result.status, result.standardOutput)
    }

    @Test("replay and stats work on the store of a running gateway, and replayed messages are sent again", .timeLimit(.minutes(4)))
    func replayWhileRunning() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: productsDirectory().appendingPathComponent("swgate").path))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swgate-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("outbox.sqlite").path
        // The receiver refuses everything (422): every delivery ends `failed` until replayed.
        let server = try await LoopbackHTTPServer { _, _ in (422, "refused") }

        let gateway = Process()
        gateway.executableURL = productsDirectory().appendingPathComponent("OutboxCrashHarness")
        gateway.arguments = ["--store", store, "--url", server.url, "--prefix", "live", "--count", "20", "--interval-ms", "2"]
        gateway.standardOutput = FileHandle.nullDevice
        gateway.standardError = FileHandle.nullDevice
        try gateway.run()
        defer { if gateway.isRunning { kill(gateway.processIdentifier, SIGKILL) } }

        // Wait until the store exists and some deliveries have failed.
        #expect(await eventually { FileManager.default.fileExists(atPath: store) && server.requests.count >= 3 })
        var replayed = 0
        for _ in 0..<5 {
            let replay = try await run("swgate", ["outbox", "replay", "--status", "failed", "--operator", "night-shift", "--store", store, "--json"])
            #expect(replay.status == 0)
            let changes = try JSONSerialization.jsonObject(with: Data(replay.out.utf8)) as? [[String: Any]]
            replayed += changes?.count ?? 0
            #expect(try await run("swgate", ["outbox", "stats", "--json", "--store", store]).status == 0)
            try await Task.sleep(for: .milliseconds(150))
        }
        // Each replayed delivery is sent again: more requests than distinct messages.
        let resent = await eventually { server.requests.count > Set(server.requests.compactMap(\.messageID)).count }
        kill(gateway.processIdentifier, SIGKILL)
        gateway.waitUntilExit()
        try await server.shutdown()

        #expect(replayed > 0)
        #expect(resent)
        let opened = try SQLiteOutboxStore(path: store)
        defer { try? opened.close() }
        let audit = try await opened.auditEntries(messageID: nil)
        #expect(audit.filter { $0.event == .replayed && $0.actor == "night-shift" }.count == replayed)
        #expect(try await opened.verifyAudit().isIntact)
        #expect(try await run("swgate", ["audit", "verify", "--store", store]).status == 0)
    }
}

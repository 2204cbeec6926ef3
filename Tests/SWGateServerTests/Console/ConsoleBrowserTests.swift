import Foundation
import SWGateChannels
import SWGateConsole
import SWGateServer
import SWGateStore
import SWGateTesting
import Testing

/// The console in a real browser: headless Chromium driven by Selenium (`console_flow.py`),
/// against a gateway with the NSW and ASW simulators, one of whose deliveries died.
@Suite("Console in a headless browser", .serialized)
struct ConsoleBrowserTests {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    /// Where the screenshots are written: `docs/console` (shown in the README) when
    /// `SWGATE_CONSOLE_SCREENSHOTS=docs` is set, so that refreshing them is a deliberate step;
    /// otherwise a temporary directory, so that a test run leaves the working tree clean.
    static let screenshots =
        ProcessInfo.processInfo.environment["SWGATE_CONSOLE_SCREENSHOTS"] == "docs"
        ? here.appendingPathComponent("../../../docs/console").standardized.path
        : FileManager.default.temporaryDirectory.appendingPathComponent("swgate-console-screenshots").path

    @Test("Sign in, find a dead message, dry-run and replay it, watch it delivered, verify the audit chain, sign out; refusals")
    func operatorFlow() async throws {
        let missing = await BrowserTools.missing()
        guard missing.isEmpty else {
            Issue.record(
                """
                The console browser test needs \(missing.joined(separator: ", ")). Install them with \
                `apt-get install -y chromium chromium-driver` and `python3 -m pip install selenium` (.ci/run does both).
                """)
            return
        }
        let operatorPassword = "replay-them-all-2026"
        let viewerPassword = "just-looking-2026"
        let operatorHash = PasswordHash.make(password: operatorPassword, iterations: 2_000).description
        let viewerHash = PasswordHash.make(password: viewerPassword, iterations: 2_000).description
        // One attempt only: the NSW simulator's 503 kills the delivery; the simulator then recovers.
        let gateway = try await PartnerGateway.start(nsw: .failNext(1)) { c in
            c.delivery.maxAttempts = 1
            c.console.operators = [
                ConsoleOperator(name: "alice", passwordHash: operatorHash, role: .operator, timeZone: "Asia/Ho_Chi_Minh"),
                ConsoleOperator(name: "victor", passwordHash: viewerHash, role: .viewer),
            ]
        }
        do {
            let reference = "VN-TH 26/12/000777"
            let accepted = try await gateway.submit(try FormDSamples.withReference(reference))
            #expect(accepted.status == 202)
            let id = try #require(accepted.json["id"] as? String)
            let died = try await eventually(30) {
                try await gateway.server.store.message(id: id)?.deliveries.first { $0.destination == "nsw" }?.state == .dead
            }
            try #require(died, "the NSW delivery did not die")

            let result = try await BrowserTools.runScript(
                Self.here.appendingPathComponent("console_flow.py").path,
                [
                    "--base", "http://127.0.0.1:\(gateway.port)", "--operator", "alice:\(operatorPassword)", "--viewer", "victor:\(viewerPassword)",
                    "--reference", reference, "--screenshots", Self.screenshots, "--forbidden", operatorHash, "--forbidden", viewerHash,
                    "--forbidden", operatorPassword, "--forbidden", viewerPassword, "--forbidden", DevelopmentToken.submitter,
                    "--forbidden", "PRIVATE KEY",
                ], timeout: 240)
            let last = result.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
            let report = (try? JSONSerialization.jsonObject(with: Data(last.utf8))) as? [String: Any]
            #expect(
                result.status == 0 && report?["ok"] as? Bool == true,
                "browser flow failed (exit \(result.status)):\n\(result.standardOutput)\n\(result.standardError)")

            // What the browser did is in the store: delivered, replayed by alice, chain intact.
            let record = try #require(try await gateway.server.store.message(id: id))
            #expect(record.deliveries.first { $0.destination == "nsw" }?.state == .delivered)
            let replays = try await gateway.server.store.auditEntries(messageID: id).filter { $0.event == .replayed }
            #expect(replays.map(\.actor) == ["alice"])
            #expect(try await gateway.server.store.verifyAudit().isIntact)
            // And so is every other action of both operators, in order.
            let console: Set<String> = ["signed-in", "sign-in-failed", "signed-out", "audit-verified", "payload-downloaded", "exported"]
            let actions = try await gateway.server.store.auditEntries(messageID: nil).filter { console.contains($0.event.rawValue) }
            #expect(
                actions.map { "\($0.event.rawValue) by \($0.actor)" } == [
                    "sign-in-failed by alice", "signed-in by alice", "audit-verified by alice", "signed-out by alice", "signed-in by victor",
                    "signed-out by victor",
                ])
        } catch {
            await gateway.stop()
            throw error
        }
        await gateway.stop()
    }
}

/// Chromium, its driver and Selenium: found on the machine, never installed by the test.
enum BrowserTools {
    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"

    /// What is missing, as package names to install.
    static func missing() async -> [String] {
        var missing: [String] = []
        if !FileManager.default.isExecutableFile(atPath: chromium) { missing.append("chromium (apt)") }
        if !FileManager.default.isExecutableFile(atPath: chromedriver) { missing.append("chromium-driver (apt)") }
        let selenium = try? await CommandRunner.run("/usr/bin/env", ["python3", "-c", "import selenium"], timeout: 30)
        if selenium?.status != 0 { missing.append("selenium (PyPI)") }
        return missing
    }

    /// Runs a Python script, waited for on its own thread, killed after `timeout` seconds.
    static func runScript(_ path: String, _ arguments: [String], timeout: TimeInterval) async throws -> CommandResult {
        try await CommandRunner.run("/usr/bin/env", ["python3", path] + arguments, timeout: timeout)
    }
}

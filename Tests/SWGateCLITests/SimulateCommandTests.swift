import Foundation
import SWGateTesting
import Testing

/// `swgate simulate`: usage errors, and a simulator that starts and says where it listens.
@Suite struct SimulateCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test("Unknown partners, failure modes and certificate directories are usage or configuration errors (exit 2)")
    func usageErrors() async throws {
        let partner = try await CommandRunner.swgate(["simulate", "xyz"], environment: ["SWGATE_HOME": Self.root])
        #expect(partner.status == 2)
        #expect(partner.standardError.contains("nsw or asw"))
        let mode = try await CommandRunner.swgate(["simulate", "nsw", "--fail", "explode"], environment: ["SWGATE_HOME": Self.root])
        #expect(mode.status == 2)
        #expect(mode.standardError.contains("explode"))
        let keys = try await CommandRunner.swgate(
            ["simulate", "asw", "--certificates", "/nonexistent"], environment: ["SWGATE_HOME": Self.root], timeout: 30)
        #expect(keys.status == 2)
        #expect(keys.standardError.contains("cannot load"))
    }

    @Test("swgate simulate nsw prints the loopback address it listens on and runs until stopped")
    func listens() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandRunner.swgatePath)
        process.arguments = ["simulate", "nsw", "--port", "0", "--fail", "fail-next:2"]
        var environment = ProcessInfo.processInfo.environment
        environment["SWGATE_HOME"] = Self.root
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        let reader = output.fileHandleForReading
        let line = await Task.detached { () -> String in
            var text = ""
            let deadline = Date().addingTimeInterval(30)
            while !text.contains("\n"), Date() < deadline {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            return text
        }.value
        #expect(line.hasPrefix("swgate simulate nsw: listening on http://127.0.0.1:"), "\(line)")
        #expect(line.contains("failure mode fail-next:2"))
        #expect(process.isRunning)
    }
}

import Foundation
import SWGateTesting

/// A long-running `swgate` child (`serve`, `simulate`) that announces the port it listens on in
/// its first line of output; stopped with SIGTERM or killed with SIGKILL. `executable` runs in its
/// place a program that ends by executing `swgate` (a wrapper that hides the source tree).
final class ChildProcess: @unchecked Sendable {
    // @unchecked: `process` is configured before `run()` and afterwards only read (pid, isRunning),
    // which Foundation's Process allows from any thread.
    let process = Process()
    private(set) var port = 0
    private(set) var firstLine = ""

    /// Starts `swgate arguments` and waits (at most 60 s) for its first output line.
    /// `standardError`: a file that receives the child's standard error (its logs), quoted when
    /// the child does not say where it listens; else discarded.
    init(
        _ arguments: [String], executable: String = CommandRunner.swgatePath, currentDirectory: String? = nil,
        environment: [String: String] = [:], standardError: String? = nil
    ) async throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "SWGATE_STORE")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let output = Pipe()
        process.standardOutput = output
        if let standardError {
            _ = FileManager.default.createFile(atPath: standardError, contents: nil)
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: standardError))
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        // Read on a thread of its own with blocking reads, never on the cooperative pool (a
        // blocking read there would starve every task of a 2-core machine), and not through
        // `readabilityHandler`: its dispatch read sources on pipes crash libdispatch's event loop
        // now and then on Linux (swift-corelibs-foundation #3276; seen in this suite on
        // 2026-12-06, in `_dispatch_event_loop_drain`). The thread drains the pipe until the
        // child exits, so a chatty child never blocks on it.
        let lines = AsyncStream<String>.makeStream()
        let reading = output.fileHandleForReading
        let reader = Thread {
            let buffer = LineBuffer()
            while case let data = reading.availableData, !data.isEmpty {
                if let line = buffer.append(data) { lines.continuation.yield(line) }
            }
            lines.continuation.finish()
        }
        reader.stackSize = 256 << 10
        reader.start()
        let timeout = Task {
            try await Task.sleep(for: .seconds(60))
            lines.continuation.finish()
        }
        var iterator = lines.stream.makeAsyncIterator()
        firstLine = await iterator.next() ?? ""
        timeout.cancel()
        guard let range = firstLine.range(of: #"127\.0\.0\.1:[0-9]+"#, options: .regularExpression),
            let port = Int(firstLine[range].split(separator: ":").last ?? "")
        else {
            kill()
            let errors = standardError.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
            throw ChildFailure(description: "swgate \(arguments.joined(separator: " ")) did not say where it listens: \(firstLine) \(errors)")
        }
        self.port = port
    }

    /// SIGKILL: no shutdown, no cleanup, as a crashed host.
    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// SIGTERM, then waits for the exit.
    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

/// Collects output until the first complete line, which it hands out once.
private final class LineBuffer: @unchecked Sendable {
    // @unchecked: only the thread reading the pipe touches it.
    private var text = ""
    private var done = false

    func append(_ data: Data) -> String? {
        guard !done else { return nil }
        text += String(decoding: data, as: UTF8.self)
        guard let newline = text.firstIndex(of: "\n") else { return nil }
        done = true
        return String(text[..<newline])
    }
}

struct ChildFailure: Error, CustomStringConvertible {
    var description: String
}

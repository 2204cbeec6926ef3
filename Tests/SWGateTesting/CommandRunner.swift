public import Foundation

/// What a finished command printed and how it exited.
public struct CommandResult: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
}

/// Runs the built `swgate` executable, or any program, as a child process.
public enum CommandRunner {
    /// The `swgate` binary built beside the test bundle (override with `SWGATE_BINARY`).
    public static var swgatePath: String {
        if let override = ProcessInfo.processInfo.environment["SWGATE_BINARY"] { return override }
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("swgate").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return FileManager.default.currentDirectoryPath + "/.build/debug/swgate"
    }

    /// Runs `swgate` with `arguments`; the child is killed (SIGKILL) after `timeout` seconds.
    public static func swgate(
        _ arguments: [String], environment: [String: String] = [:], currentDirectory: String? = nil,
        timeout: TimeInterval = 60
    ) async throws -> CommandResult {
        try await run(swgatePath, arguments, environment: environment, currentDirectory: currentDirectory, timeout: timeout)
    }

    /// Runs a program; the child is killed (SIGKILL) after `timeout` seconds, counted from its start.
    ///
    /// The child is waited for on a thread of its own (``onOwnThread(_:)``): the tasks' pool has
    /// one thread per core (two here), and a test blocking one of them for the seconds a child runs
    /// stalls every other test's tasks, and with them the deadlines those tests count. At most
    /// ``concurrentChildren`` run at once (the others wait for a turn without holding a thread), so
    /// that the tests, free to run side by side, do not start dozens of processes on two cores.
    /// The child does not inherit `SWGATE_STORE` from the tests' environment: a test chooses its store.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        currentDirectory: String? = nil, standardInput: [UInt8]? = nil, timeout: TimeInterval = 60
    ) async throws -> CommandResult {
        try await childTurns.withTurn {
            try await onOwnThread {
                try runBlocking(
                    executable, arguments, environment: environment, currentDirectory: currentDirectory,
                    standardInput: standardInput, timeout: timeout)
            }
        }
    }

    /// How many children ``run(_:_:environment:currentDirectory:standardInput:timeout:)`` lets run at once.
    public static let concurrentChildren = max(4, 2 * ProcessInfo.processInfo.activeProcessorCount)
    private static let childTurns = Turns(concurrentChildren)

    /// Blocks the calling thread until the child exits: only ever called on a thread of its own.
    private static func runBlocking(
        _ executable: String, _ arguments: [String], environment: [String: String],
        currentDirectory: String?, standardInput: [UInt8]?, timeout: TimeInterval
    ) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "SWGATE_STORE")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let output = try TemporaryFileCapture()
        let errors = try TemporaryFileCapture()
        defer { output.remove(); errors.remove() }
        process.standardOutput = output.handle
        process.standardError = errors.handle
        let input = Pipe()
        process.standardInput = input
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        if let standardInput { input.fileHandleForWriting.write(Data(standardInput)) }
        try? input.fileHandleForWriting.close()
        // SIGKILL, not SIGTERM: a child started from a thread of Dispatch's pools inherits their
        // signal mask, in which SIGTERM is blocked.
        if exited.wait(timeout: .now() + timeout) == .timedOut { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, standardOutput: output.contents(), standardError: errors.contents())
    }
}

/// Child output goes to a file rather than a pipe, so a chatty child never blocks on a full pipe.
private struct TemporaryFileCapture {
    let path: String
    let handle: FileHandle

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("swgate-capture-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    func contents() -> String {
        try? handle.close()
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

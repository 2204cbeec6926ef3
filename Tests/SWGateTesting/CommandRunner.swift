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

    /// Runs `swgate` with `arguments`, waiting at most `timeout` seconds.
    public static func swgate(
        _ arguments: [String], environment: [String: String] = [:], currentDirectory: String? = nil,
        timeout: TimeInterval = 60
    ) throws -> CommandResult {
        try run(swgatePath, arguments, environment: environment, currentDirectory: currentDirectory, timeout: timeout)
    }

    /// Runs `swgate` from a task, waiting for the child on a thread of its own (``onOwnThread(_:)``).
    public static func swgate(
        _ arguments: [String], environment: [String: String] = [:], currentDirectory: String? = nil,
        timeout: TimeInterval = 60
    ) async throws -> CommandResult {
        try await run(swgatePath, arguments, environment: environment, currentDirectory: currentDirectory, timeout: timeout)
    }

    /// Runs a program from a task, waiting for the child on a thread of its own (``onOwnThread(_:)``).
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        currentDirectory: String? = nil, standardInput: [UInt8]? = nil, timeout: TimeInterval = 60
    ) async throws -> CommandResult {
        try await onOwnThread {
            try run(
                executable, arguments, environment: environment, currentDirectory: currentDirectory, standardInput: standardInput,
                timeout: timeout) as CommandResult
        }
    }

    /// Runs `executable` with `arguments`; the child is killed after `timeout` seconds. Blocks the
    /// calling thread: from a task, use the `async` overload.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        currentDirectory: String? = nil, standardInput: [UInt8]? = nil, timeout: TimeInterval = 60
    ) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
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
        try process.run()
        if let standardInput { input.fileHandleForWriting.write(Data(standardInput)) }
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
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

import Foundation
import SWGateTesting

/// A child process left running (a server), its output captured in files.
final class BackgroundProcess {
    let process = Process()
    private let outputPath = NSTemporaryDirectory() + "swgate-bg-out-\(UUID().uuidString)"
    private let errorPath = NSTemporaryDirectory() + "swgate-bg-err-\(UUID().uuidString)"

    init(_ executable: String, _ arguments: [String], currentDirectory: String, environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory)
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        try process.run()
    }

    /// The first output line containing `text`, waiting at most `seconds`; nil if the process
    /// exits or the time runs out first. Looks at the output every 50 ms, suspended in between.
    func waitForOutput(containing text: String, seconds: Double) async -> String? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            if let line = output.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            if !process.isRunning { return nil }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    func errors() -> String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

    /// SIGTERM, then SIGKILL if it has not exited within 20 seconds; removes the captured output.
    /// Returns at once: the exit is waited for on a thread of its own, never on the tasks' pool.
    func stop() {
        if process.isRunning { process.terminate() }
        let (process, outputPath, errorPath) = (process, outputPath, errorPath)
        Thread.detachNewThread {
            let exited = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                process.waitUntilExit()
                exited.signal()
            }
            if exited.wait(timeout: .now() + 20) == .timedOut { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: outputPath)
            try? FileManager.default.removeItem(atPath: errorPath)
        }
    }

    /// Waits for the process to exit, on a thread of its own.
    func exited() async {
        let process = process
        _ = try? await onOwnThread { process.waitUntilExit() }
    }
}

/// A plain HTTP/1.1 GET on 127.0.0.1 with a bounded wait; the raw answer (status line, headers,
/// body), or nil when nothing answers.
func httpGet(port: Int, path: String, seconds: Int = 10) throws -> String? {
    try httpRequest(port: port, "GET", path, seconds: seconds)
}

/// One HTTP/1.1 request on a fresh loopback connection; the whole answer as text, nil when none came.
func httpRequest(port: Int, _ method: String, _ path: String, headers: [String] = [], body: [UInt8] = [], seconds: Int = 10) throws -> String? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var timeout = timeval(tv_sec: seconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return nil }
    let fields = (headers + (body.isEmpty ? [] : ["Content-Length: \(body.count)"])).map { $0 + "\r\n" }.joined()
    let request = Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\(fields)\r\n".utf8) + body
    guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { return nil }
    var answer: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count <= 0 { break }
        answer += buffer[0..<count]
    }
    return answer.isEmpty ? nil : String(decoding: answer, as: UTF8.self)
}

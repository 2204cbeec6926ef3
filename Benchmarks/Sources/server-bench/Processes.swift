import Foundation
import SWGateAS4
import SWGateChannels
import SWGateHTTP
import SWGateNSW
import SWGateSecurity

#if canImport(Glibc)
    import Glibc
#endif

/// The `--peers` child: the NSW and ASW simulators on 127.0.0.1 (ports printed as `ports NSW ASW`)
/// and the load generator, driven by lines on stdin:
/// `load PORT FIRST COUNT RATE` (RATE 0: as fast as possible) answers
/// `result PER_SECOND P50_MS P99_MS MAX_MS FAILURES`. It exits when its stdin reaches end of file
/// or its parent changes (the benchmark ended, however it ended), so it never outlives the benchmark.
///
/// With `ecdsa`, both simulators sign their answers with the development ECDSA P-256 key
/// (ECDSA-SHA256, which the signature profiles accept): a partner's signature then costs a small
/// fraction of an RSA-2048 one, so the end-to-end rate measures the gateway rather than the
/// simulators sharing its cores. They still verify every RSA-2048 signature the gateway makes.
func runPeers(certificates: String, template: String, token: String, concurrency: Int, ecdsa: Bool) async throws -> Never {
    let parent = getppid()
    func security(_ partner: SimulatedPartner) throws -> SecurityServices {
        var configuration = partner.developmentConfiguration(certificates: certificates)
        if ecdsa {
            configuration.systemKey = KeySource(keyPath: certificates + "/ecdsa.key", certificatePath: certificates + "/ecdsa.pem")
        }
        return try SecurityServices(configuration: configuration, baseDirectory: certificates)
    }
    let nsw = EndpointHost(host: "127.0.0.1", routes: [.init("/", NSWSimulator(security: try security(.nsw)))])
    let asw = EndpointHost(host: "127.0.0.1", routes: [.init("/", ASWSimulator(security: try security(.asw)))])
    let nswPort = try await start(nsw)
    let aswPort = try await start(asw)
    let generator = LoadGenerator(template: template, token: token, concurrency: concurrency)
    let (commands, continuation) = AsyncStream<String>.makeStream()
    Thread.detachNewThread {
        while let line = readLine() { continuation.yield(line) }
        exit(0)
    }
    Task {
        while true {
            try await Task.sleep(for: .milliseconds(500))
            if getppid() != parent { exit(0) }
        }
    }
    answer("ports \(nswPort) \(aswPort)")
    for await command in commands {
        let fields = command.split(separator: " ")
        guard fields.count == 5, fields[0] == "load", let port = Int(fields[1]), let first = Int(fields[2]), let count = Int(fields[3]),
            let rate = Double(fields[4])
        else {
            answer("error unknown command \(command)")
            continue
        }
        let r = await generator.run(port: port, first: first, count: count, rate: rate > 0 ? rate : nil)
        answer(
            String(
                format: "result %.1f %.2f %.2f %.2f %d", r.perSecond, percentile(r.latencies, 0.5) * 1000, percentile(r.latencies, 0.99) * 1000,
                (r.latencies.max() ?? 0) * 1000, r.failures))
    }
    exit(0)
}

private func answer(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

private func start(_ host: EndpointHost) async throws -> Int {
    let (stream, continuation) = AsyncStream<Int>.makeStream()
    Task { try await host.run { continuation.yield($0) } }
    return await firstValue(stream)
}

/// The first value of `stream` (a bound port), 0 if it ends first.
func firstValue(_ stream: AsyncStream<Int>) async -> Int {
    var iterator = stream.makeAsyncIterator()
    return await iterator.next() ?? 0
}

/// This benchmark's executable started again with `--peers`: the simulators and the load generator.
final class PeersProcess {
    let process: Process?
    private let input: FileHandle
    private let output: FileHandle
    private var pending = ""
    private(set) var nswPort = 0
    private(set) var aswPort = 0
    var pid: Int32 { process?.processIdentifier ?? 0 }

    init(ecdsa: Bool, clients: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["--peers", "--clients", String(clients)] + (ecdsa ? ["--ecdsa-partners"] : [])
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        self.process = process
        input = stdin.fileHandleForWriting
        output = stdout.fileHandleForReading
        try readPorts()
    }

    /// A peers process started by someone else (under valgrind, which cannot start one), whose
    /// stdin and stdout are the named pipes `input` and `output`.
    init(input inputPath: String, output outputPath: String) throws {
        process = nil
        guard let input = FileHandle(forWritingAtPath: inputPath), let output = FileHandle(forReadingAtPath: outputPath) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "cannot open \(inputPath) or \(outputPath)"])
        }
        self.input = input
        self.output = output
        try readPorts()
    }

    private func readPorts() throws {
        let fields = readLine().split(separator: " ")
        guard fields.count == 3, fields[0] == "ports", let nsw = Int(fields[1]), let asw = Int(fields[2]) else {
            process?.terminate()
            throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "the peers process did not start"])
        }
        nswPort = nsw
        aswPort = asw
    }

    struct LoadResult {
        var perSecond: Double
        var p50: Double
        var p99: Double
        var max: Double
        var failures: Int
    }

    /// Runs the load generator in the child and waits for its figures (latencies in ms).
    func load(port: Int, first: Int, count: Int, rate: Double?) -> LoadResult {
        input.write(Data("load \(port) \(first) \(count) \(rate ?? 0)\n".utf8))
        let f = readLine().split(separator: " ").dropFirst().compactMap { Double($0) }
        guard f.count == 5 else { return LoadResult(perSecond: 0, p50: 0, p99: 0, max: 0, failures: count) }
        return LoadResult(perSecond: f[0], p50: f[1], p99: f[2], max: f[3], failures: Int(f[4]))
    }

    private func readLine() -> String {
        while !pending.contains("\n") {
            let data = output.availableData
            guard !data.isEmpty else { break }
            pending += String(decoding: data, as: UTF8.self)
        }
        guard let newline = pending.firstIndex(of: "\n") else { defer { pending = "" }; return pending }
        let line = String(pending[..<newline])
        pending = String(pending[pending.index(after: newline)...])
        return line
    }

    /// Closes the child's stdin (it exits) and waits for it.
    func stop() {
        try? input.close()
        process?.waitUntilExit()
    }
}

/// Peak resident set size (VmHWM) of a process, in MiB.
enum ProcessMemory {
    static func peakMiB(pid: Int32?) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid.map(String.init) ?? "self")/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = line.split(separator: " ").compactMap({ Double($0) }).first
        else { return 0 }
        return kilobytes / 1024
    }
}

/// The 1, 5 and 15 minute load averages.
func loadAverage() -> String {
    ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "").split(separator: " ").prefix(3).joined(separator: " ")
}

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Wall-clock rate of `operation`, repeated `iterations` times after `warmup` runs.
public func measureRate(iterations: Int, warmup: Int = 200, _ operation: () throws -> Void) rethrows -> Double {
    for _ in 0..<warmup { try operation() }
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<iterations { try operation() }
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return Double(iterations) / elapsed
}

/// Peak resident set size of this process so far, in MiB (from getrusage).
public func peakResidentMiB() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
        // Glibc imports RUSAGE_SELF as an enum case; getrusage takes its raw Int32.
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
        getrusage(RUSAGE_SELF, &usage)
    #endif
    return Double(usage.ru_maxrss) / 1024
}

/// `openssl speed -seconds N rsa2048`, measured now, as (signs/s, verifies/s) — the reference
/// every figure in BENCHMARKS.md is compared with, because this machine is noisy.
///
/// `openssl speed` stops each test with SIGALRM. A child started by Foundation's `Process`
/// inherits the blocked signal mask of Swift's threads, so the alarm would never arrive and
/// openssl would run forever: a one-line Python exec wrapper unblocks SIGALRM first.
public func opensslRSA2048(seconds: Int = 3) -> (sign: Double, verify: Double)? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
        "python3", "-c",
        "import os, signal, sys; signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGALRM]); os.execvp('openssl', sys.argv[1:])",
        "openssl", "speed", "-seconds", String(seconds), "rsa2048",
    ]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = Pipe()
    do { try process.run() } catch { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard let text = String(data: data, encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("rsa 2048") || line.hasPrefix("rsa2048") {
        let fields = line.split(separator: " ").compactMap { Double($0) }
        if fields.count >= 2 { return (fields[fields.count - 2], fields[fields.count - 1]) }
    }
    return nil
}

/// One line describing this machine for the benchmark record.
public func machineDescription() -> String {
    let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
        .split(separator: "\n").first { $0.hasPrefix("model name") }?
        .split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
    return "\(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores"
}

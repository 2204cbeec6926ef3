import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Posts 5 KB Form Ds to `POST /v1/certificates` from `concurrency` clients over loopback HTTP/1.1.
/// Runs in the peers process, so its CPU is not counted against the gateway.
///
/// Each client is a thread with one kept-alive blocking socket that writes a request and reads its
/// answer: a request costs the client two or three system calls and no event-loop machinery, about
/// a fifth of what a general HTTP client spends, so on two shared cores the intake figures measure
/// the gateway rather than its load. The answer is read as HTTP/1.1 (status line, `Content-Length` or
/// chunked body, `Connection: close`); a failed exchange counts as a failure and reconnects.
struct LoadGenerator: Sendable {
    /// The fixture split around its reference number, so each request's document is spliced, not searched.
    let prefix: [UInt8]
    let suffix: [UInt8]
    let token: String
    let concurrency: Int

    init(template: String, token: String, concurrency: Int) {
        let marker = "VN-ID 26/04/000457"
        let range = template.range(of: marker)!
        prefix = Array(template[..<range.lowerBound].utf8)
        suffix = Array(template[range.upperBound...].utf8)
        self.token = token
        self.concurrency = concurrency
    }

    /// The whole request for the fixture with reference number `VN-ID 26/04/<n>` (distinct per
    /// request: no idempotent repeats).
    func request(port: Int, _ n: Int) -> [UInt8] {
        let digits = String(n)
        let reference = "VN-ID 26/04/" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
        let length = prefix.count + reference.utf8.count + suffix.count
        var out = Array(
            "POST /v1/certificates HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/xml\r\nContent-Length: \(length)\r\n\r\n"
                .utf8)
        out.reserveCapacity(out.count + length)
        out += prefix
        out += reference.utf8
        out += suffix
        return out
    }

    struct Result {
        var perSecond: Double
        var latencies: [Double]
        var failures: Int
    }

    /// `count` posts as fast as the clients go, or paced at `rate` per second overall. The clients
    /// block on their sockets in their own threads, so the caller's task waits without holding one.
    func run(port: Int, first: Int, count: Int, rate: Double?) async -> Result {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: runBlocking(port: port, first: first, count: count, rate: rate))
            }
        }
    }

    private func runBlocking(port: Int, first: Int, count: Int, rate: Double?) -> Result {
        let clock = ContinuousClock()
        let start = clock.now
        let results = ResultSlots(count: concurrency)
        let group = DispatchGroup()
        for client in 0..<concurrency {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                var connection = LoadConnection(port: port)
                var out: [(Bool, Double)] = []
                out.reserveCapacity(count / concurrency + 1)
                var i = client
                while i < count {
                    if let rate {
                        let due = start + .milliseconds(Int(Double(i) / rate * 1000))
                        let wait = due - clock.now
                        if wait > .zero { Thread.sleep(forTimeInterval: wait.seconds) }
                    }
                    let bytes = request(port: port, first + i)
                    let sent = clock.now
                    let ok = connection.exchange(bytes) == 202
                    out.append((ok, (clock.now - sent).seconds))
                    i += concurrency
                }
                connection.close()
                results.set(client, out)
            }
            thread.stackSize = 256 << 10
            thread.start()
        }
        group.wait()
        let all = results.all
        let elapsed = (clock.now - start).seconds
        return Result(perSecond: Double(all.filter(\.0).count) / elapsed, latencies: all.map(\.1), failures: all.filter { !$0.0 }.count)
    }
}

/// Each client's results, written once by its own thread and read after all have ended.
private final class ResultSlots: @unchecked Sendable {
    private var slots: [[(Bool, Double)]]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: [], count: count) }
    func set(_ index: Int, _ value: [(Bool, Double)]) { lock.withLock { slots[index] = value } }
    var all: [(Bool, Double)] { lock.withLock { slots.flatMap { $0 } } }
}

/// One kept-alive HTTP/1.1 connection to 127.0.0.1 on a blocking socket.
private struct LoadConnection {
    let port: Int
    var fd: Int32 = -1
    var buffer = [UInt8](repeating: 0, count: 1 << 16)

    init(port: Int) { self.port = port }

    /// Sends `request` and reads the answer; its status code, or nil when the exchange failed (the
    /// connection is then closed and the next exchange opens a new one).
    mutating func exchange(_ request: [UInt8]) -> Int? {
        if fd < 0 { fd = Self.connect(port: port) }
        guard fd >= 0 else { return nil }
        guard send(request), let (status, keepAlive) = readAnswer() else {
            close()
            return nil
        }
        if !keepAlive { close() }
        return status
    }

    mutating func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    private static func connect(port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            return -1
        }
        return fd
    }

    private func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
    }

    /// Reads one answer: the status code and whether the connection stays open.
    private mutating func readAnswer() -> (Int, Bool)? {
        var filled = 0
        var headerEnd: Int?
        while headerEnd == nil {
            guard filled < buffer.count, let n = receive(into: filled), n > 0 else { return nil }
            filled += n
            headerEnd = Self.find([13, 10, 13, 10], in: buffer, upTo: filled).map { $0 + 4 }
        }
        guard let bodyStart = headerEnd, let head = String(bytes: buffer[..<bodyStart], encoding: .utf8) else { return nil }
        let lines = head.lowercased().split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.hasPrefix("http/1.1 "),
            let status = Int(statusLine.dropFirst(9).prefix(3))
        else { return nil }
        let keepAlive = !lines.contains { $0.hasPrefix("connection:") && $0.contains("close") }
        if let length = lines.first(where: { $0.hasPrefix("content-length:") }).flatMap({ Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) }) {
            while filled < bodyStart + length {
                guard filled < buffer.count, let n = receive(into: filled), n > 0 else { return nil }
                filled += n
            }
        } else if lines.contains(where: { $0.hasPrefix("transfer-encoding:") && $0.contains("chunked") }) {
            while Self.find([48, 13, 10, 13, 10], in: buffer, upTo: filled, from: bodyStart) == nil {
                guard filled < buffer.count, let n = receive(into: filled), n > 0 else { return nil }
                filled += n
            }
        } else {
            return (status, false)
        }
        return (status, keepAlive)
    }

    private mutating func receive(into offset: Int) -> Int? {
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            return n < 0 ? nil : n
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], upTo end: Int, from start: Int = 0) -> Int? {
        guard end - start >= needle.count else { return nil }
        var i = start
        while i + needle.count <= end {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

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

    /// A request for the fixture with reference number `VN-ID 26/04/<n>` (distinct per request: no
    /// idempotent repeats), with the six digits of that number at `digits`: every request of a run
    /// has the same length, so a client copies the template once and rewrites the digits per
    /// request instead of building headers and body again.
    struct RequestTemplate {
        private(set) var bytes: [UInt8]
        let digits: Int

        init(_ generator: LoadGenerator, port: Int) {
            let reference = Array("VN-ID 26/04/000000".utf8)
            let length = generator.prefix.count + reference.count + generator.suffix.count
            bytes = Array(
                "POST /v1/certificates HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(generator.token)\r\nContent-Type: application/xml\r\nContent-Length: \(length)\r\n\r\n"
                    .utf8)
            bytes += generator.prefix
            digits = bytes.count + reference.count - 6
            bytes += reference
            bytes += generator.suffix
        }

        /// Writes `n` (at most six digits, zero-padded) into `request`'s reference number.
        func number(_ n: Int, into request: inout [UInt8]) {
            precondition((0..<1_000_000).contains(n), "reference numbers have six digits: \(n)")
            var rest = n
            for index in stride(from: digits + 5, through: digits, by: -1) {
                request[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
        }
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
                let template = RequestTemplate(self, port: port)
                var bytes = template.bytes
                var out: [(Bool, Double)] = []
                out.reserveCapacity(count / concurrency + 1)
                var i = client
                while i < count {
                    if let rate {
                        let due = start + .milliseconds(Int(Double(i) / rate * 1000))
                        let wait = due - clock.now
                        if wait > .zero { Thread.sleep(forTimeInterval: wait.seconds) }
                    }
                    template.number(first + i, into: &bytes)
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

    /// Reads one answer: the status code and whether the connection stays open. The head is read
    /// as bytes (no strings made per answer).
    private mutating func readAnswer() -> (Int, Bool)? {
        var filled = 0
        var headerEnd: Int?
        while headerEnd == nil {
            guard filled < buffer.count, let n = receive(into: filled), n > 0 else { return nil }
            filled += n
            headerEnd = Self.find([13, 10, 13, 10], in: buffer, upTo: filled).map { $0 + 4 }
        }
        guard let bodyStart = headerEnd, bodyStart >= 12, Self.hasPrefix("http/1.1 ", buffer, at: 0) else { return nil }
        var status = 0
        for index in 9..<12 {
            let digit = buffer[index]
            guard digit >= 48, digit <= 57 else { return nil }
            status = status * 10 + Int(digit - 48)
        }
        var keepAlive = true
        var length: Int?
        var chunked = false
        var line = (Self.find([13, 10], in: buffer, upTo: bodyStart) ?? bodyStart) + 2
        while line < bodyStart - 2 {
            let lineEnd = Self.find([13, 10], in: buffer, upTo: bodyStart, from: line) ?? bodyStart
            if Self.hasPrefix("content-length:", buffer, at: line) {
                var value = 0
                for index in (line + 15)..<lineEnd where buffer[index] >= 48 && buffer[index] <= 57 {
                    value = value * 10 + Int(buffer[index] - 48)
                }
                length = value
            } else if Self.hasPrefix("connection:", buffer, at: line) {
                keepAlive = !Self.contains("close", buffer, from: line + 11, to: lineEnd)
            } else if Self.hasPrefix("transfer-encoding:", buffer, at: line) {
                chunked = Self.contains("chunked", buffer, from: line + 18, to: lineEnd)
            }
            line = lineEnd + 2
        }
        if let length {
            while filled < bodyStart + length {
                guard filled < buffer.count, let n = receive(into: filled), n > 0 else { return nil }
                filled += n
            }
        } else if chunked {
            while Self.find([48, 13, 10, 13, 10], in: buffer, upTo: filled, from: bodyStart) == nil {
                guard filled < buffer.count, let n = receive(into: filled), n > 0 else { return nil }
                filled += n
            }
        } else {
            return (status, false)
        }
        return (status, keepAlive)
    }

    /// Whether `bytes` at `offset` starts with `lowercase` (compared without regard to ASCII case).
    private static func hasPrefix(_ lowercase: StaticString, _ bytes: [UInt8], at offset: Int) -> Bool {
        lowercase.withUTF8Buffer { needle in
            guard offset + needle.count <= bytes.count else { return false }
            for index in 0..<needle.count where bytes[offset + index] | 0x20 != needle[index] | 0x20 { return false }
            return true
        }
    }

    /// Whether `lowercase` occurs in `bytes[from..<to]` (without regard to ASCII case).
    private static func contains(_ lowercase: StaticString, _ bytes: [UInt8], from: Int, to: Int) -> Bool {
        let length = lowercase.utf8CodeUnitCount
        var index = from
        while index + length <= to {
            if hasPrefix(lowercase, bytes, at: index) { return true }
            index += 1
        }
        return false
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

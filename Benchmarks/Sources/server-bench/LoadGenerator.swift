import AsyncHTTPClient
import Foundation
import NIOCore

/// Posts 5 KB Form Ds to `POST /v1/certificates` from `concurrency` clients over loopback HTTP.
/// Runs in the peers process, so its CPU is not counted against the gateway.
struct LoadGenerator: Sendable {
    /// The fixture split around its reference number, so each request's document is spliced, not searched.
    let prefix: [UInt8]
    let suffix: [UInt8]
    let token: String
    let concurrency: Int
    let http: HTTPClient

    init(template: String, token: String, concurrency: Int) {
        let marker = "VN-ID 26/04/000457"
        let range = template.range(of: marker)!
        prefix = Array(template[..<range.lowerBound].utf8)
        suffix = Array(template[range.upperBound...].utf8)
        self.token = token
        self.concurrency = concurrency
        http = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)))
    }

    /// The fixture with reference number `VN-ID 26/04/<n>` (distinct per request: no idempotent repeats).
    func document(_ n: Int) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(prefix.count + suffix.count + 24)
        buffer.writeBytes(prefix)
        buffer.writeString("VN-ID 26/04/")
        let digits = String(n)
        buffer.writeString(String(repeating: "0", count: max(0, 6 - digits.count)) + digits)
        buffer.writeBytes(suffix)
        return buffer
    }

    struct Result {
        var perSecond: Double
        var latencies: [Double]
        var failures: Int
    }

    func post(port: Int, _ n: Int) async -> (ok: Bool, seconds: Double) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/certificates")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/xml")
        request.body = .bytes(document(n))
        let start = ContinuousClock.now
        do {
            let response = try await http.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 16)
            return (response.status.code == 202, (ContinuousClock.now - start).seconds)
        } catch {
            return (false, (ContinuousClock.now - start).seconds)
        }
    }

    /// `count` posts as fast as the clients go, or paced at `rate` per second overall.
    func run(port: Int, first: Int, count: Int, rate: Double?) async -> Result {
        let start = ContinuousClock.now
        let results = await withTaskGroup(of: [(Bool, Double)].self) { group in
            for client in 0..<concurrency {
                group.addTask {
                    var out: [(Bool, Double)] = []
                    var i = client
                    while i < count {
                        if let rate {
                            let due = start + .milliseconds(Int(Double(i) / rate * 1000))
                            if due > ContinuousClock.now { try? await Task.sleep(until: due, clock: .continuous) }
                        }
                        let r = await post(port: port, first + i)
                        out.append((r.ok, r.seconds))
                        i += concurrency
                    }
                    return out
                }
            }
            var all: [(Bool, Double)] = []
            for await part in group { all += part }
            return all
        }
        let elapsed = (ContinuousClock.now - start).seconds
        return Result(perSecond: Double(results.filter(\.0).count) / elapsed, latencies: results.map(\.1), failures: results.filter { !$0.0 }.count)
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

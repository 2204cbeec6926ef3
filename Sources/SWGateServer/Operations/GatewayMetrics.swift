public import Foundation
import Synchronization

/// The gateway's counters and the delivery latency histogram, rendered in the Prometheus text
/// format by ``render(stats:)``. A small hand-written registry: a handful of series, no
/// dependency, and values read under one lock.
public final class GatewayMetrics: Sendable {
    /// Upper bounds (seconds) of the delivery latency histogram.
    public static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    struct Histogram {
        var counts = [Int](repeating: 0, count: GatewayMetrics.latencyBuckets.count)
        var sum = 0.0
        var count = 0
    }

    struct State {
        var accepted: [String: Int] = [:]
        var delivered: [String: Int] = [:]
        /// Keyed by destination and disposition (`transient`, `permanent`).
        var failed: [String: [String: Int]] = [:]
        var signatureFailures: [String: Int] = [:]
        var latency: [String: Histogram] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// A message was committed with deliveries to `destinations`.
    public func accepted(destinations: [String]) {
        state.withLock { for destination in destinations { $0.accepted[destination, default: 0] += 1 } }
    }

    /// One attempt ended; `failure` is nil when it was delivered.
    public func attempt(destination: String, seconds: Double, failureDisposition: String?, signatureFailure: Bool) {
        state.withLock { s in
            if let failureDisposition {
                s.failed[destination, default: [:]][failureDisposition, default: 0] += 1
            } else {
                s.delivered[destination, default: 0] += 1
            }
            if signatureFailure { s.signatureFailures[destination, default: 0] += 1 }
            var histogram = s.latency[destination] ?? Histogram()
            for (index, bound) in Self.latencyBuckets.enumerated() where seconds <= bound { histogram.counts[index] += 1 }
            histogram.sum += seconds
            histogram.count += 1
            s.latency[destination] = histogram
        }
    }

    /// Counts so far, for tests and logs: accepted and delivered per destination.
    public func counts(destination: String) -> (accepted: Int, delivered: Int) {
        state.withLock { ($0.accepted[destination] ?? 0, $0.delivered[destination] ?? 0) }
    }

    /// The exposition text: the counters, the histogram, and the store's queue figures.
    public func render(stats: QueueFigures?) -> String {
        let s = state.withLock { $0 }
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) { out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n" }
        family("swgate_accepted_total", "counter", "Deliveries created by accepted messages, by destination.")
        for (d, n) in s.accepted.sorted(by: { $0.key < $1.key }) { out += "swgate_accepted_total{destination=\"\(d)\"} \(n)\n" }
        family("swgate_delivered_total", "counter", "Attempts that delivered, by destination.")
        for (d, n) in s.delivered.sorted(by: { $0.key < $1.key }) { out += "swgate_delivered_total{destination=\"\(d)\"} \(n)\n" }
        family("swgate_failed_attempts_total", "counter", "Attempts that failed, by destination and disposition.")
        for (d, byKind) in s.failed.sorted(by: { $0.key < $1.key }) {
            for (kind, n) in byKind.sorted(by: { $0.key < $1.key }) {
                out += "swgate_failed_attempts_total{destination=\"\(d)\",disposition=\"\(kind)\"} \(n)\n"
            }
        }
        family("swgate_signature_failures_total", "counter", "Answers refused because their signature did not verify, by destination.")
        for (d, n) in s.signatureFailures.sorted(by: { $0.key < $1.key }) { out += "swgate_signature_failures_total{destination=\"\(d)\"} \(n)\n" }
        family("swgate_delivery_seconds", "histogram", "Duration of delivery attempts, by destination.")
        for (d, h) in s.latency.sorted(by: { $0.key < $1.key }) {
            for (index, bound) in Self.latencyBuckets.enumerated() {
                out += "swgate_delivery_seconds_bucket{destination=\"\(d)\",le=\"\(bound)\"} \(h.counts[index])\n"
            }
            out += "swgate_delivery_seconds_bucket{destination=\"\(d)\",le=\"+Inf\"} \(h.count)\n"
            out += "swgate_delivery_seconds_sum{destination=\"\(d)\"} \(h.sum)\n"
            out += "swgate_delivery_seconds_count{destination=\"\(d)\"} \(h.count)\n"
        }
        if let stats {
            family("swgate_deliveries", "gauge", "Deliveries in the outbox by destination and state (dead and failed wait for an operator).")
            for row in stats.rows { out += "swgate_deliveries{destination=\"\(row.destination)\",state=\"\(row.state)\"} \(row.count)\n" }
            family("swgate_queue_depth", "gauge", "Deliveries pending or sending, over all destinations.")
            out += "swgate_queue_depth \(stats.queueDepth)\n"
            family("swgate_oldest_pending_age_seconds", "gauge", "Age of the oldest message with an undelivered pending or sending delivery.")
            out += "swgate_oldest_pending_age_seconds \(stats.oldestPendingAgeSeconds)\n"
        }
        return out
    }
}

/// The store figures shown by `/metrics`.
public struct QueueFigures: Sendable {
    public var rows: [(destination: String, state: String, count: Int)]
    public var queueDepth: Int
    public var oldestPendingAgeSeconds: Double

    public init(rows: [(destination: String, state: String, count: Int)], queueDepth: Int, oldestPendingAgeSeconds: Double) {
        self.rows = rows
        self.queueDepth = queueDepth
        self.oldestPendingAgeSeconds = oldestPendingAgeSeconds
    }
}

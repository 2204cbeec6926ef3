import CoreMetrics
public import Foundation
public import Prometheus
import Synchronization

/// The gateway's metrics, recorded through swift-metrics (`Counter`, `Timer`, `Gauge`) into a
/// swift-prometheus `PrometheusCollectorRegistry` that belongs to this gateway, and exposed by
/// ``render(stats:pool:certificates:)`` in the Prometheus text format.
///
/// The metric objects are created with an explicit factory bound to ``registry`` rather than
/// through the process-wide `MetricsSystem` (which can be bootstrapped once per process), so
/// several gateways in one process — as in the tests — each count only their own work.
public final class GatewayMetrics: Sendable {
    /// Upper bounds (seconds) of the delivery latency histogram.
    public static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    /// This gateway's registry: what `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics factory bound to ``registry``.
    public let factory: PrometheusMetricsFactory

    private struct Tallies {
        var accepted: [String: Int] = [:]
        var delivered: [String: Int] = [:]
        /// Gauge label sets set at the last scrape, so a series that disappeared is set to 0.
        var deliveryRows: Set<[String]> = []
    }

    private let tallies = Mutex(Tallies())
    private let counters = Mutex<[String: CoreMetrics.Counter]>([:])
    private let timers = Mutex<[String: CoreMetrics.Timer]>([:])
    private let gauges = Mutex<[String: CoreMetrics.Gauge]>([:])

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["swgate_delivery_seconds"] = Self.latencyBuckets.map { .milliseconds(Int64(($0 * 1000).rounded())) }
        self.factory = factory
    }

    private static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        ([label] + dimensions.map { "\($0.0)=\($0.1)" }).joined(separator: "\u{1}")
    }

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Counter {
        let key = Self.key(label, dimensions)
        return counters.withLock { cache in
            if let counter = cache[key] { return counter }
            let counter = CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
            cache[key] = counter
            return counter
        }
    }

    private func timer(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Timer {
        let key = Self.key(label, dimensions)
        return timers.withLock { cache in
            if let timer = cache[key] { return timer }
            let timer = CoreMetrics.Timer(label: label, dimensions: dimensions, factory: factory)
            cache[key] = timer
            return timer
        }
    }

    /// Sets gauge `label` with `dimensions` to `value`.
    public func gauge(_ label: String, _ dimensions: [(String, String)] = [], _ value: Double) {
        let key = Self.key(label, dimensions)
        let gauge = gauges.withLock { cache in
            if let gauge = cache[key] { return gauge }
            let gauge = CoreMetrics.Gauge(label: label, dimensions: dimensions, factory: factory)
            cache[key] = gauge
            return gauge
        }
        gauge.record(value)
    }

    /// A message was committed with deliveries to `destinations`.
    public func accepted(destinations: [String]) {
        for destination in destinations { counter("swgate_accepted_total", [("destination", destination)]).increment() }
        tallies.withLock { for destination in destinations { $0.accepted[destination, default: 0] += 1 } }
    }

    /// One attempt ended; `failureDisposition` is nil when it was delivered.
    public func attempt(destination: String, seconds: Double, failureDisposition: String?, signatureFailure: Bool) {
        if let failureDisposition {
            counter("swgate_failed_attempts_total", [("destination", destination), ("disposition", failureDisposition)]).increment()
        } else {
            counter("swgate_delivered_total", [("destination", destination)]).increment()
            tallies.withLock { $0.delivered[destination, default: 0] += 1 }
        }
        if signatureFailure { counter("swgate_signature_failures_total", [("destination", destination)]).increment() }
        timer("swgate_delivery_seconds", [("destination", destination)]).recordNanoseconds(Int64((seconds * 1e9).rounded()))
    }

    /// Counts so far, for tests and logs: accepted and delivered per destination.
    public func counts(destination: String) -> (accepted: Int, delivered: Int) {
        tallies.withLock { ($0.accepted[destination] ?? 0, $0.delivered[destination] ?? 0) }
    }

    /// The exposition text: the counters and the histogram, with the gauges set first from the
    /// store's queue figures, the PostgreSQL pool's usage and the certificates' expiry.
    public func render(stats: QueueFigures?, pool: PoolUsage? = nil, certificates: [CertificateExpiry] = []) -> String {
        if let stats {
            let rows = Set(stats.rows.map { [$0.destination, $0.state] })
            let vanished = tallies.withLock { tallies -> Set<[String]> in
                defer { tallies.deliveryRows = rows }
                return tallies.deliveryRows.subtracting(rows)
            }
            for row in vanished { gauge("swgate_deliveries", [("destination", row[0]), ("state", row[1])], 0) }
            for row in stats.rows { gauge("swgate_deliveries", [("destination", row.destination), ("state", row.state)], Double(row.count)) }
            gauge("swgate_queue_depth", [], Double(stats.queueDepth))
            gauge("swgate_oldest_pending_age_seconds", [], stats.oldestPendingAgeSeconds)
        }
        if let pool {
            gauge("swgate_store_pool_connections", [("state", "in_use")], Double(pool.inUse))
            gauge("swgate_store_pool_connections", [("state", "available")], Double(pool.available))
            gauge("swgate_store_pool_connections", [("state", "max")], Double(pool.maximum))
            gauge("swgate_store_pool_connections", [("state", "waiting")], Double(pool.waiting))
        }
        for certificate in certificates {
            let labels = [("role", certificate.role), ("subject", certificate.subject)]
            gauge("swgate_certificate_expiry_seconds", labels, certificate.secondsRemaining)
            gauge("swgate_certificate_expiry_warning", labels, certificate.warning ? 1 : 0)
        }
        return registry.emitToString()
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

/// A PostgreSQL store's connection pool usage for `swgate_store_pool_connections`.
public struct PoolUsage: Sendable {
    public var inUse: Int
    public var available: Int
    public var maximum: Int
    public var waiting: Int

    public init(inUse: Int, available: Int, maximum: Int, waiting: Int) {
        self.inUse = inUse
        self.available = available
        self.maximum = maximum
        self.waiting = waiting
    }
}

/// One configured certificate's expiry for `swgate_certificate_expiry_seconds`.
public struct CertificateExpiry: Sendable {
    /// What it is used for (`system key`, `trust anchor`, `partner TH`, …).
    public var role: String
    public var subject: String
    /// Seconds until its notAfter (negative once expired).
    public var secondsRemaining: Double
    /// Whether `swgate certs check` would warn or fail for it within the configured window.
    public var warning: Bool

    public init(role: String, subject: String, secondsRemaining: Double, warning: Bool) {
        self.role = role
        self.subject = subject
        self.secondsRemaining = secondsRemaining
        self.warning = warning
    }
}

import Foundation
import NIOHTTP1
import SWGateDomain
import SWGateDelivery
import SWGateHTTP
import SWGateServer
import SWGateStore
import SWGateTesting
import Logging
import Testing

/// Answers each delivery with the next scripted result.
struct ScriptedChannel: DeliveryChannel {
    let result: DeliveryResult
    func deliver(_ delivery: ClaimedDelivery) async -> DeliveryResult { result }
}

@Suite("Operations: /healthz, /readyz, /metrics")
struct OperationsTests {
    @Test("healthz is 200; readyz is 200 when every check passes and 503 naming what is missing")
    func health() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteOutboxStore(path: directory.path("o.sqlite"))
        let ready = OperationsEndpoint(store: store, metrics: GatewayMetrics(), checks: [{ ("keys", nil) }, { ("schemas", nil) }])
        #expect(await ready.handle(EndpointRequest(method: "GET", path: "/healthz")).status == 200)
        let ok = await ready.handle(EndpointRequest(method: "GET", path: "/readyz"))
        #expect(ok.status == 200)
        #expect(String(decoding: ok.body, as: UTF8.self) == #"{"failed":{},"passed":["keys","schemas"],"status":"ready"}"#)
        let notReady = OperationsEndpoint(store: store, metrics: GatewayMetrics(), checks: [{ ("keys", nil) }, { ("store", "data/x is not writable") }])
        let answer = await notReady.handle(EndpointRequest(method: "GET", path: "/readyz"))
        #expect(answer.status == 503)
        #expect(String(decoding: answer.body, as: UTF8.self).contains(#""store":"data\/x is not writable""#) || String(decoding: answer.body, as: UTF8.self).contains(#""store":"data/x is not writable""#))
        try store.close()
    }

    @Test("metrics: accepted, delivered, failed, signature failures by destination, latency histogram, queue depth, oldest pending age")
    func metrics() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteOutboxStore(path: directory.path("o.sqlite"))
        let metrics = GatewayMetrics()
        let intake = DocumentIntake(store: store, validator: try .standard(), routing: RoutingTable(), metrics: metrics)
        _ = try await intake.submit(try FormDSamples.valid, source: "portal", client: "c", idempotencyKey: nil)
        let claimed = try await store.claim(destination: "nsw", limit: 1, owner: "t", leaseDuration: .seconds(60), now: Date())
        let delivered = MeteredChannel(destination: "nsw", inner: ScriptedChannel(result: .delivered(receipt: nil, httpStatus: 200)), metrics: metrics, logger: Logger(label: "t"))
        let badSignature = MeteredChannel(
            destination: "asw", inner: ScriptedChannel(result: .failed(DeliveryFailure(.badAnswerSignature, "digest mismatch"))), metrics: metrics,
            logger: Logger(label: "t"))
        _ = await delivered.deliver(try #require(claimed.first))
        _ = await badSignature.deliver(try #require(claimed.first))
        let endpoint = OperationsEndpoint(store: store, metrics: metrics, checks: [])
        let answer = await endpoint.handle(EndpointRequest(method: "GET", path: "/metrics"))
        #expect(answer.status == 200)
        #expect(answer.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = String(decoding: answer.body, as: UTF8.self)
        for line in [
            "swgate_accepted_total{destination=\"nsw\"} 1", "swgate_accepted_total{destination=\"asw\"} 1",
            "swgate_delivered_total{destination=\"nsw\"} 1",
            "swgate_failed_attempts_total{destination=\"asw\",disposition=\"permanent\"} 1",
            "swgate_signature_failures_total{destination=\"asw\"} 1",
            "swgate_delivery_seconds_count{destination=\"nsw\"} 1", "swgate_delivery_seconds_bucket{destination=\"nsw\",le=\"+Inf\"} 1",
            "swgate_deliveries{destination=\"nsw\",state=\"sending\"} 1.0", "swgate_deliveries{destination=\"asw\",state=\"pending\"} 1.0",
            "swgate_queue_depth 2.0", "# TYPE swgate_delivery_seconds histogram", "# TYPE swgate_accepted_total counter",
            "swgate_delivery_seconds_bucket{destination=\"nsw\",le=\"30.0\"} 1",
        ] {
            #expect(text.contains(line + "\n"), "missing \(line)")
        }
        let age = text.split(separator: "\n").first { $0.hasPrefix("swgate_oldest_pending_age_seconds ") }
        #expect(age.flatMap { Double($0.split(separator: " ")[1]) }.map { $0 >= 0 && $0 < 60 } == true)
        // A delivery state that empties is set back to 0 rather than left at its last value.
        _ = try await store.complete(
            DeliveryCompletion(
                deliveryID: try #require(claimed.first).deliveryID, owner: "t", startedAt: Date(), duration: .milliseconds(1), outcome: .delivered,
                httpStatus: 200, transition: .delivered(receipt: nil)))
        let later = String(decoding: await endpoint.handle(EndpointRequest(method: "GET", path: "/metrics")).body, as: UTF8.self)
        #expect(later.contains("swgate_deliveries{destination=\"nsw\",state=\"sending\"} 0.0\n"), "\(later)")
        #expect(later.contains("swgate_deliveries{destination=\"nsw\",state=\"delivered\"} 1.0\n"), "\(later)")
        try store.close()
    }

    @Test("Each GatewayMetrics has its own registry: two in one process count apart; pool and certificate gauges are rendered")
    func isolatedRegistries() async throws {
        let first = GatewayMetrics()
        let second = GatewayMetrics()
        first.accepted(destinations: ["nsw", "nsw"])
        second.accepted(destinations: ["nsw"])
        let one = first.render(
            stats: nil, pool: PoolUsage(inUse: 3, available: 5, maximum: 8, waiting: 1),
            certificates: [CertificateExpiry(role: "system key", subject: "CN=gw", secondsRemaining: 86_400, warning: true)])
        let two = second.render(stats: nil)
        #expect(one.contains("swgate_accepted_total{destination=\"nsw\"} 2\n"))
        #expect(two.contains("swgate_accepted_total{destination=\"nsw\"} 1\n"))
        for line in [
            "swgate_store_pool_connections{state=\"in_use\"} 3.0", "swgate_store_pool_connections{state=\"available\"} 5.0",
            "swgate_store_pool_connections{state=\"max\"} 8.0", "swgate_store_pool_connections{state=\"waiting\"} 1.0",
            "swgate_certificate_expiry_seconds{role=\"system key\",subject=\"CN=gw\"} 86400.0",
            "swgate_certificate_expiry_warning{role=\"system key\",subject=\"CN=gw\"} 1.0",
        ] {
            #expect(one.contains(line + "\n"), "missing \(line) in \(one)")
        }
        #expect(!two.contains("swgate_store_pool_connections"))
    }
}

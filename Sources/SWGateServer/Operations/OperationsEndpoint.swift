public import Foundation
public import SWGateHTTP
public import SWGateStore

/// `/healthz` (liveness: the process answers), `/readyz` (store writable, keys loaded, schemas
/// compiled, intake open) and `/metrics` (Prometheus text format).
public struct OperationsEndpoint: Endpoint {
    /// The readiness checks, each a name and whether it passed (with a reason when not).
    public typealias ReadinessCheck = @Sendable () async -> (name: String, problem: String?)

    let store: any OutboxStore
    let metrics: GatewayMetrics
    let checks: [ReadinessCheck]
    let pool: @Sendable () -> PoolUsage?
    let certificates: @Sendable () -> [CertificateExpiry]

    /// `pool` reads the PostgreSQL connection pool's usage (nil for SQLite); `certificates` the
    /// configured certificates' expiry; both are read at each scrape.
    public init(
        store: any OutboxStore, metrics: GatewayMetrics, checks: [ReadinessCheck], pool: @escaping @Sendable () -> PoolUsage? = { nil },
        certificates: @escaping @Sendable () -> [CertificateExpiry] = { [] }
    ) {
        self.store = store
        self.metrics = metrics
        self.checks = checks
        self.pool = pool
        self.certificates = certificates
    }

    public func handle(_ request: EndpointRequest) async -> EndpointResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return EndpointResponse(status: 405, contentType: "text/plain; charset=utf-8", body: Array("use GET\n".utf8))
        }
        switch request.path {
        case "/healthz":
            return EndpointResponse(status: 200, contentType: "application/json", body: Array(#"{"status":"alive"}"#.utf8))
        case "/readyz":
            var problems: [String: String] = [:]
            var passed: [String] = []
            for check in checks {
                let result = await check()
                if let problem = result.problem { problems[result.name] = problem } else { passed.append(result.name) }
            }
            let body = JSON.encode(Readiness(status: problems.isEmpty ? "ready" : "not ready", passed: passed.sorted(), failed: problems))
            return EndpointResponse(status: problems.isEmpty ? 200 : 503, contentType: "application/json", body: body)
        case "/metrics":
            let figures = try? await Self.figures(store)
            return EndpointResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: Array(metrics.render(stats: figures, pool: pool(), certificates: certificates()).utf8))
        default:
            return EndpointResponse(status: 404, contentType: "text/plain; charset=utf-8", body: Array("not found\n".utf8))
        }
    }

    static func figures(_ store: any OutboxStore) async throws -> QueueFigures {
        let stats = try await store.stats()
        return QueueFigures(
            rows: stats.rows.map { ($0.destination, $0.state.rawValue, $0.count) }, queueDepth: stats.total(.pending) + stats.total(.sending),
            oldestPendingAgeSeconds: stats.oldestPendingAcceptedAt.map { max(0, Date().timeIntervalSince($0)) } ?? 0)
    }

    struct Readiness: Encodable {
        var status: String
        var passed: [String]
        var failed: [String: String]
    }
}

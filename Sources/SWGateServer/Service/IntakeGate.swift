public import SWGateHTTP
import Synchronization

/// Admission to the intake routes (`/v1`, `/nsw`, `/as4`): closed at shutdown, and bounded in the
/// number of requests in progress at once, so that a burst is turned away early rather than
/// queued until every request times out. A refused request is answered in the protocol of the
/// endpoint it came to (``Endpoint/refuse(_:)``): problem+json, a SOAP fault or a signed ebMS
/// error, each with HTTP 503 and `Retry-After`.
public final class IntakeGate: Sendable {
    private let open = Atomic(true)
    private let inFlight = Atomic(0)
    /// The most requests in progress at once across the guarded routes (`listen.max_in_flight`).
    public let maximumInFlight: Int

    public init(maximumInFlight: Int = 256) {
        self.maximumInFlight = max(1, maximumInFlight)
    }

    /// Stops intake; requests already inside an endpoint finish normally.
    public func close() { open.store(false, ordering: .sequentiallyConsistent) }

    public var isOpen: Bool { open.load(ordering: .sequentiallyConsistent) }

    /// Requests in progress now.
    public var requestsInFlight: Int { inFlight.load(ordering: .relaxed) }

    /// `endpoint` behind this gate.
    public func guarding(_ endpoint: any Endpoint) -> any Endpoint { Guarded(gate: self, inner: endpoint) }

    struct Guarded: Endpoint {
        let gate: IntakeGate
        let inner: any Endpoint

        func handle(_ request: EndpointRequest) async -> EndpointResponse {
            guard gate.isOpen else {
                return inner.refuse(Refusal(.shuttingDown, "the gateway is shutting down; retry on another instance or later", retryAfterSeconds: 5))
            }
            let admitted = gate.inFlight.wrappingAdd(1, ordering: .relaxed).newValue
            defer { gate.inFlight.wrappingSubtract(1, ordering: .relaxed) }
            guard admitted <= gate.maximumInFlight else {
                return inner.refuse(
                    Refusal(.overloaded, "more than \(gate.maximumInFlight) requests are in progress; retry shortly", retryAfterSeconds: 1))
            }
            return await inner.handle(request)
        }

        func refuse(_ refusal: Refusal) -> EndpointResponse { inner.refuse(refusal) }
    }
}

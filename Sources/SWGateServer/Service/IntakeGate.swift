public import SWGateHTTP
import Synchronization

/// Closes intake at shutdown: once ``close()`` is called, every request to the wrapped endpoints is
/// answered 503 with `Retry-After`, so nothing new is accepted while in-flight work drains.
public final class IntakeGate: Sendable {
    private let open = Atomic(true)

    public init() {}

    /// Stops intake; requests already inside an endpoint finish normally.
    public func close() { open.store(false, ordering: .sequentiallyConsistent) }

    public var isOpen: Bool { open.load(ordering: .sequentiallyConsistent) }

    /// `endpoint` behind this gate.
    public func guarding(_ endpoint: any Endpoint) -> any Endpoint { Guarded(gate: self, inner: endpoint) }

    struct Guarded: Endpoint {
        let gate: IntakeGate
        let inner: any Endpoint

        func handle(_ request: EndpointRequest) async -> EndpointResponse {
            guard gate.isOpen else {
                return PortalError(.unavailable, "the gateway is shutting down; retry on another instance or later").response
                    .with(header: "retry-after", "5")
            }
            return await inner.handle(request)
        }
    }
}

extension EndpointResponse {
    func with(header name: String, _ value: String) -> EndpointResponse {
        var copy = self
        copy.headers[name] = value
        return copy
    }
}

import SWGateDelivery
import SWGateStore
import ServiceLifecycle

/// Wakes the delivery engine when another instance stores work in a shared store (PostgreSQL's
/// LISTEN/NOTIFY), so it need not wait for its next poll. Stops at graceful shutdown.
struct StoreWakeUps: Service {
    let store: any OutboxStore
    let engine: DeliveryEngine

    func run() async throws {
        let engine = engine
        try await cancelWhenGracefulShutdown {
            try await store.watchForWork { engine.wake() }
        }
    }
}

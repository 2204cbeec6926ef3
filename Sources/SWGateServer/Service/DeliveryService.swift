import Logging
import ServiceLifecycle
import SWGateDelivery

/// The delivery engine as a `Service`. On graceful shutdown (SIGTERM) it first closes intake, then
/// stops the engine, which claims nothing more and waits for the attempts in flight to record
/// their outcome before ``run()`` returns.
struct DeliveryService: Service {
    let engine: DeliveryEngine
    let gate: IntakeGate
    let logger: Logger

    func run() async throws {
        try await withGracefulShutdownHandler {
            await engine.run()
            logger.info("delivery engine stopped; attempts in flight were recorded")
        } onGracefulShutdown: {
            logger.info("graceful shutdown: intake closed (503), draining deliveries in flight")
            gate.close()
            engine.stop()
        }
    }
}

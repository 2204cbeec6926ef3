public import Logging
public import SWGateDelivery
public import SWGateStore

/// Wraps a destination's channel to count attempts, time them and log their outcome with the
/// message id as logger metadata. Changes nothing about the result.
public struct MeteredChannel: DeliveryChannel {
    public let destination: String
    public let inner: any DeliveryChannel
    public let metrics: GatewayMetrics
    let logger: Logger

    public init(destination: String, inner: any DeliveryChannel, metrics: GatewayMetrics, logger: Logger) {
        self.destination = destination
        self.inner = inner
        self.metrics = metrics
        self.logger = logger
    }

    public func deliver(_ delivery: ClaimedDelivery) async -> DeliveryResult {
        await attempt(delivery).result
    }

    public func attempt(_ delivery: ClaimedDelivery) async -> DeliveryAttempt {
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = await inner.attempt(delivery)
        let result = outcome.result
        let elapsed = start.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        switch result {
        case .delivered(_, let status, _):
            metrics.attempt(destination: destination, seconds: seconds, failureDisposition: nil, signatureFailure: false)
            // Formatting the metadata for every delivered attempt is wasted work unless info is on.
            if logger.logLevel <= .info {
                logged(delivery).info("delivered", metadata: ["http_status": "\(status.map(String.init) ?? "-")"])
            }
        case .failed(let failure):
            let log = logged(delivery)
            metrics.attempt(
                destination: destination, seconds: seconds, failureDisposition: failure.reason.disposition.rawValue,
                signatureFailure: failure.reason == .badAnswerSignature)
            log.warning("attempt failed", metadata: ["reason": "\(failure.reason.code)", "error": "\(failure.message)"])
        }
        return outcome
    }

    private func logged(_ delivery: ClaimedDelivery) -> Logger {
        var log = logger
        log[metadataKey: "message_id"] = "\(delivery.messageID)"
        log[metadataKey: "wire_message_id"] = "\(delivery.wireMessageID)"
        log[metadataKey: "conversation"] = "\(delivery.conversation)"
        log[metadataKey: "destination"] = "\(destination)"
        log[metadataKey: "attempt"] = "\(delivery.attempt)"
        return log
    }
}

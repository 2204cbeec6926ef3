package import SWGateDelivery

extension DeliveryResult {
    /// A failure with `reason`, keeping the HTTP status.
    package static func failure(_ reason: FailureReason, _ message: String, status: Int?) -> DeliveryResult {
        .failed(DeliveryFailure(reason, message, httpStatus: status))
    }
}

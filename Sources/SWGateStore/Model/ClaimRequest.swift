/// How many deliveries to claim for one destination (see ``OutboxStore/claim(_:owner:leaseDuration:now:)``).
public struct ClaimRequest: Sendable, Hashable {
    public var destination: String
    public var limit: Int

    public init(destination: String, limit: Int) {
        self.destination = destination
        self.limit = limit
    }
}

/// What ``OutboxStore/claim(_:owner:leaseDuration:now:)`` claimed, and for which destinations the
/// claim failed (and why).
public struct ClaimOutcome: Sendable {
    public var claimed: [ClaimedDelivery]
    public var failures: [(destination: String, error: String)]

    public init(claimed: [ClaimedDelivery] = [], failures: [(destination: String, error: String)] = []) {
        self.claimed = claimed
        self.failures = failures
    }
}

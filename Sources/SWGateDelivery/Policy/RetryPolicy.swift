/// How long a delivery keeps trying before it is `dead`: a budget of attempts and of age, both
/// counted from acceptance or from the last operator replay.
public struct RetryPolicy: Sendable, Hashable {
    /// The most attempts in one budget (the first try counts).
    public var maximumAttempts: Int
    /// The longest time a delivery keeps retrying.
    public var maximumAge: Duration
    public var backoff: Backoff

    public init(maximumAttempts: Int = 12, maximumAge: Duration = .seconds(24 * 3600), backoff: Backoff = Backoff()) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.maximumAge = maximumAge
        self.backoff = backoff
    }

    /// After a transient failure of attempt `attempt`, begun `age` after the budget started: the
    /// delay before the next attempt, or nil when the budget is spent (the delivery is dead).
    public func nextDelay(afterAttempt attempt: Int, age: Duration, using generator: inout some RandomNumberGenerator) -> Duration? {
        guard attempt < maximumAttempts else { return nil }
        let delay = backoff.delay(afterAttempt: attempt, using: &generator)
        guard age + delay <= maximumAge else { return nil }
        return delay
    }
}

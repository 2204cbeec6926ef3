/// Backs off a whole destination that keeps failing, without touching the others.
///
/// Closed: every claim allowed; `failureThreshold` consecutive transient failures open it.
/// Open: nothing is sent until `coolDown` has passed; then half-open.
/// Half-open: one probe is sent; its success closes the breaker, its failure opens it again.
/// A permanent failure (the destination answered and refused one message) counts as a sign of life.
public struct CircuitBreaker: Sendable, Hashable {
    public struct Configuration: Sendable, Hashable {
        public var failureThreshold: Int
        public var coolDown: Duration

        public init(failureThreshold: Int = 5, coolDown: Duration = .seconds(30)) {
            self.failureThreshold = max(1, failureThreshold)
            self.coolDown = coolDown
        }
    }

    public enum State: Sendable, Hashable {
        case closed(consecutiveFailures: Int)
        case open(until: ContinuousClock.Instant)
        case halfOpen(probing: Bool)
    }

    public let configuration: Configuration
    public private(set) var state: State = .closed(consecutiveFailures: 0)

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// How many new attempts may start now (moves an expired open breaker to half-open).
    public mutating func permittedAttempts(now: ContinuousClock.Instant) -> Int {
        switch state {
        case .closed:
            return Int.max
        case .open(let until):
            guard now >= until else { return 0 }
            state = .halfOpen(probing: false)
            return 1
        case .halfOpen(let probing):
            return probing ? 0 : 1
        }
    }

    /// An attempt started; in half-open it is the probe.
    public mutating func attemptStarted() {
        if case .halfOpen(false) = state { state = .halfOpen(probing: true) }
    }

    /// The destination accepted a message, or answered with a permanent refusal.
    public mutating func recordSuccess() {
        state = .closed(consecutiveFailures: 0)
    }

    /// A transient failure (connection, timeout, 5xx, server fault).
    public mutating func recordFailure(now: ContinuousClock.Instant) {
        switch state {
        case .closed(let failures):
            state = failures + 1 >= configuration.failureThreshold ? .open(until: now + configuration.coolDown) : .closed(consecutiveFailures: failures + 1)
        case .halfOpen:
            state = .open(until: now + configuration.coolDown)
        case .open:
            break
        }
    }

    /// True while the breaker refuses attempts (open and cooling down).
    public func isOpen(now: ContinuousClock.Instant) -> Bool {
        if case .open(let until) = state { return now < until }
        return false
    }
}

public import Foundation

/// One destination the engine delivers to: its channel and its limits.
public struct DeliveryDestination: Sendable {
    /// The destination name stored with each delivery (`nsw`, `asw`, `portal`).
    public var name: String
    public var channel: any DeliveryChannel
    /// The most attempts in flight at once towards this destination.
    public var maximumConcurrency: Int
    public var circuitBreaker: CircuitBreaker.Configuration

    public init(
        name: String, channel: any DeliveryChannel, maximumConcurrency: Int = 4,
        circuitBreaker: CircuitBreaker.Configuration = CircuitBreaker.Configuration()
    ) {
        self.name = name
        self.channel = channel
        self.maximumConcurrency = max(1, maximumConcurrency)
        self.circuitBreaker = circuitBreaker
    }
}

/// Engine-wide settings.
public struct DeliveryEngineConfiguration: Sendable {
    /// This instance's name, stored as the lease owner. Keep it stable across restarts so that a
    /// restarted instance takes back its own leases at once.
    public var owner: String
    /// How long a claim is held; a killed worker's claims return to `pending` after it.
    public var leaseDuration: Duration
    /// How often the engine looks for due work when nothing wakes it.
    public var pollInterval: Duration
    /// How often expired leases (of any owner) are reclaimed.
    public var leaseReapInterval: Duration
    /// The most deliveries claimed in one store call.
    public var claimBatch: Int
    public var retry: RetryPolicy
    /// Where partners' final answers are forwarded; nil: they are kept as receipts only.
    public var answers: AnswerRouting?
    /// The wall clock of leases, attempts and retry times (tests move it instead of waiting).
    public var now: @Sendable () -> Date

    public init(
        owner: String, leaseDuration: Duration = .seconds(120), pollInterval: Duration = .milliseconds(500),
        leaseReapInterval: Duration = .seconds(10), claimBatch: Int = 64, retry: RetryPolicy = RetryPolicy(),
        answers: AnswerRouting? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.answers = answers
        self.now = now
        self.owner = owner
        self.leaseDuration = leaseDuration
        self.pollInterval = pollInterval
        self.leaseReapInterval = leaseReapInterval
        self.claimBatch = max(1, claimBatch)
        self.retry = retry
    }
}

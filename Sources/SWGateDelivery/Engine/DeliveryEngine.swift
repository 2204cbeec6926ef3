import Foundation
public import Logging
public import SWGateStore
import Synchronization

/// Claims due deliveries from the outbox and sends them through their destination's channel:
/// per-destination concurrency limits and circuit breakers, retries with backoff and jitter within
/// a budget, leases so that nothing claimed by a killed process stays stuck.
///
/// The engine keeps no message state of its own: everything that matters is in the store, so a
/// restart resumes exactly where the last commit left off.
public actor DeliveryEngine {
    private let store: any OutboxStore
    private let destinations: [DeliveryDestination]
    private let configuration: DeliveryEngineConfiguration
    private let logger: Logger
    private let signal = WakeSignal()
    private let stopRequested = Mutex(false)
    private var inFlight: [String: Int] = [:]
    private var breakers: [String: CircuitBreaker] = [:]
    private var generator = SystemRandomNumberGenerator()

    public init(store: any OutboxStore, destinations: [DeliveryDestination], configuration: DeliveryEngineConfiguration, logger: Logger? = nil) {
        self.store = store
        self.destinations = destinations
        self.configuration = configuration
        self.logger = logger ?? Logger(label: "swgate.delivery")
        for destination in destinations {
            breakers[destination.name] = CircuitBreaker(configuration: destination.circuitBreaker)
        }
    }

    /// Tells the engine that new work may be due (for example right after an enqueue).
    public nonisolated func wake() {
        signal.signal()
    }

    /// Graceful stop (SIGTERM): claim nothing more, let the attempts in flight finish and record
    /// their outcome, then return from ``run()``. Cancelling the task running ``run()`` stops at once
    /// instead; the leases of interrupted attempts then expire and the deliveries are retried.
    public nonisolated func stop() {
        stopRequested.withLock { $0 = true }
        signal.signal()
    }

    /// The circuit breaker state of one destination.
    public func breakerState(for destination: String) -> CircuitBreaker.State? {
        breakers[destination]?.state
    }

    /// Delivers until ``stop()`` is called or the surrounding task is cancelled; then waits for the
    /// attempts in flight to end.
    /// Takes back this owner's leases left by an earlier run before it starts.
    public func run() async {
        await retryingStore("release own leases") { [store, configuration] in
            _ = try await store.releaseLeases(owner: configuration.owner, now: Date())
        }
        let clock = ContinuousClock()
        var lastReap: ContinuousClock.Instant?
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled && !stopRequested.withLock({ $0 }) {
                if lastReap.map({ clock.now - $0 >= configuration.leaseReapInterval }) ?? true {
                    lastReap = clock.now
                    do {
                        _ = try await store.reclaimExpiredLeases(now: Date())
                    } catch {
                        logger.warning("reclaiming expired leases failed: \(error)")
                    }
                }
                for (claimed, channel) in await claimForAll(now: clock.now) {
                    group.addTask { await self.attempt(claimed, channel: channel) }
                }
                await signal.wait(timeout: configuration.pollInterval)
            }
        }
    }

    /// Claims what every destination may take now, given its free slots and its breaker, in one
    /// store call (one transaction in the SQLite store, however many destinations have room).
    private func claimForAll(now: ContinuousClock.Instant) async -> [(ClaimedDelivery, any DeliveryChannel)] {
        var requests: [ClaimRequest] = []
        var channels: [String: any DeliveryChannel] = [:]
        for destination in destinations {
            let name = destination.name
            let free = destination.maximumConcurrency - inFlight[name, default: 0]
            let permitted = breakers[name]?.permittedAttempts(now: now) ?? Int.max
            let limit = min(free, permitted, configuration.claimBatch)
            guard limit > 0 else { continue }
            // Reserve the slots before suspending, so the loop never over-claims.
            inFlight[name, default: 0] += limit
            requests.append(ClaimRequest(destination: name, limit: limit))
            channels[name] = destination.channel
        }
        guard !requests.isEmpty else { return [] }
        let outcome = await store.claim(requests, owner: configuration.owner, leaseDuration: configuration.leaseDuration, now: Date())
        for failure in outcome.failures {
            logger.warning("claiming for \(failure.destination) failed: \(failure.error)")
        }
        let claimed = outcome.claimed
        var result: [(ClaimedDelivery, any DeliveryChannel)] = []
        for request in requests {
            let name = request.destination
            let mine = claimed.filter { $0.destination == name }
            inFlight[name, default: 0] -= request.limit - mine.count
            guard let channel = channels[name] else { continue }
            for delivery in mine {
                breakers[name]?.attemptStarted()
                result.append((delivery, channel))
            }
        }
        return result
    }

    /// One attempt: send, classify, decide the next state, record it.
    private func attempt(_ delivery: ClaimedDelivery, channel: any DeliveryChannel) async {
        let startedAt = Date()
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = await channel.attempt(delivery)
        let result = outcome.result
        let duration = clock.now - start
        var completion = decide(delivery, result: result, startedAt: startedAt, duration: duration, now: clock.now)
        completion.followUp = answerCallback(delivery, result: result, transition: completion.transition)
        completion.signed = outcome.signed
        await retryingStore("record attempt of delivery \(delivery.deliveryID)") { [store, completion] in
            _ = try await store.complete(completion)
        }
        inFlight[delivery.destination, default: 1] -= 1
        signal.signal()
    }

    private func decide(
        _ delivery: ClaimedDelivery, result: DeliveryResult, startedAt: Date, duration: Duration, now: ContinuousClock.Instant
    ) -> DeliveryCompletion {
        let name = delivery.destination
        switch result {
        case .delivered(let receipt, let status, _):
            breakers[name]?.recordSuccess()
            return DeliveryCompletion(
                deliveryID: delivery.deliveryID, owner: delivery.owner, startedAt: startedAt, duration: duration, outcome: .delivered,
                httpStatus: status, transition: .delivered(receipt: receipt))
        case .failed(let failure) where failure.reason.disposition == .permanent:
            breakers[name]?.recordSuccess()
            return DeliveryCompletion(
                deliveryID: delivery.deliveryID, owner: delivery.owner, startedAt: startedAt, duration: duration,
                outcome: .permanentFailure, httpStatus: failure.httpStatus, error: failure.description, transition: .failed)
        case .failed(let failure):
            breakers[name]?.recordFailure(now: now)
            let age = Duration.milliseconds(Int64(Date().timeIntervalSince(delivery.budgetStartedAt) * 1000))
            let transition: DeliveryCompletion.Transition
            if let delay = configuration.retry.nextDelay(afterAttempt: delivery.attempt, age: age, using: &generator) {
                transition = .retry(at: Date().addingTimeInterval(delay.secondsValue))
            } else {
                transition = .dead
            }
            return DeliveryCompletion(
                deliveryID: delivery.deliveryID, owner: delivery.owner, startedAt: startedAt, duration: duration,
                outcome: .transientFailure, httpStatus: failure.httpStatus, error: failure.description, transition: transition)
        }
    }

    /// The callback carrying a partner's final answer to the submitter, stored with the transition:
    /// only for a delivery that ends (delivered or failed, not a retry), to a message from one of
    /// the routed sources, never for a delivery to the answers' own destination.
    private func answerCallback(_ delivery: ClaimedDelivery, result: DeliveryResult, transition: DeliveryCompletion.Transition) -> NewMessage? {
        guard let routing = configuration.answers, routing.sources.contains(delivery.source), delivery.destination != routing.destination
        else { return nil }
        let answer: PartnerAnswer?
        switch (result, transition) {
        case (.delivered(_, _, let delivered), .delivered): answer = delivered
        case (.failed(let failure), .failed): answer = failure.answer
        default: answer = nil
        }
        return answer.map { AnswerCallback(answer: $0, to: delivery, at: Date()).message(for: delivery, routing: routing) }
    }

    /// Retries a store call a few times (the store may be briefly locked by an operator command).
    /// If it still fails, the lease expires and the delivery is retried: nothing is lost.
    /// Runs a store write, trying again a few times after a failure: a brief hiccup must not
    /// leave an attempt unrecorded. Once the engine is stopping, a failure is not tried again: a
    /// database that is away would otherwise hold the shutdown for every try's timeout, and an
    /// attempt left unrecorded is retried after its lease expires (at least once, as always).
    private func retryingStore(_ what: String, _ operation: @Sendable () async throws -> Void) async {
        for attempt in 1...5 {
            do {
                try await operation()
                return
            } catch {
                let stopping = stopRequested.withLock { $0 } || Task.isCancelled
                logger.warning("\(what) failed (try \(attempt) of 5\(stopping ? ", engine stopping: not tried again" : "")): \(error)")
                if stopping { return }
                try? await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
    }
}

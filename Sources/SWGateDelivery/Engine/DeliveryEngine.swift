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
///
/// A destination's slots are its exchanges with the partner: at most `maximumConcurrency` at once.
/// While its breaker is closed the engine also holds up to twice as many deliveries claimed ahead,
/// so that a slot freed by an exchange starts the next delivery at once instead of waiting for a
/// claim transaction (and its fsync); and an exchange's outcome is recorded while the slot's next
/// exchange runs (at most one outcome waiting per slot). A delivery claimed ahead is only started while at
/// least half of its lease is left; one that is not (or whose destination's breaker opened) is
/// released back to `pending` without an attempt, as are those still held at a graceful stop. If
/// the process dies, their leases expire like those of the attempts in flight.
public actor DeliveryEngine {
    private let store: any OutboxStore
    private let destinations: [DeliveryDestination]
    private let configuration: DeliveryEngineConfiguration
    private let logger: Logger
    private let signal = WakeSignal()
    private let stopRequested = Mutex(false)
    /// Per destination: exchanges under way (at most its `maximumConcurrency`).
    private var exchanging: [String: Int] = [:]
    /// Per destination: deliveries claimed ahead and not started yet, in claim order.
    private var ready: [String: [ClaimedDelivery]] = [:]
    /// Claimed ahead but not to be attempted: released to `pending` by the loop.
    private var unusable: [ClaimedDelivery] = []
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
    /// their outcome, release what was claimed ahead, then return from ``run()``. Cancelling the task
    /// running ``run()`` stops at once instead; the leases of interrupted attempts (and of deliveries
    /// claimed ahead) then expire and the deliveries are retried.
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
            _ = try await store.releaseLeases(owner: configuration.owner, now: configuration.now())
        }
        let clock = ContinuousClock()
        var lastReap: ContinuousClock.Instant?
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled && !stopping {
                if lastReap.map({ clock.now - $0 >= configuration.leaseReapInterval }) ?? true {
                    lastReap = clock.now
                    do {
                        _ = try await store.reclaimExpiredLeases(now: configuration.now())
                    } catch {
                        logger.warning("reclaiming expired leases failed: \(error)")
                    }
                }
                await releaseUnusable(now: clock.now)
                await claimForAll(now: clock.now)
                for (delivery, channel) in startable(now: clock.now) {
                    group.addTask { await self.work(delivery, channel: channel) }
                }
                await signal.wait(timeout: configuration.pollInterval)
            }
        }
        if stopping, !Task.isCancelled {
            unusable += ready.values.joined()
            ready.removeAll()
            await releaseUnusable(now: clock.now)
        }
    }

    /// Deliveries held claimed ahead per slot while the breaker is closed. With one, a busy relay's
    /// slots ran dry while the next claim was committed and the cores idled in bursts; two keep
    /// them fed and let each claim take more at once, so the store commits fewer transactions
    /// (docs/benchmarks-server.md, section of 2026-12-07 22:36). A process that dies leaves these
    /// leased until their lease expires, like its attempts in flight.
    static let claimedAheadPerSlot = 2

    private var stopping: Bool { stopRequested.withLock { $0 } }

    /// Claims what every destination may take now, given its free slots, what it holds claimed
    /// ahead and its breaker, in one store call (one transaction in the SQLite store, however many
    /// destinations have room). The claimed deliveries join the destinations' `ready` lists.
    private func claimForAll(now: ContinuousClock.Instant) async {
        var requests: [ClaimRequest] = []
        for destination in destinations {
            let name = destination.name
            let permitted = breakers[name]?.permittedAttempts(now: now) ?? Int.max
            // Claimed ahead only while the breaker is closed; a probe is claimed when it may start.
            let held =
                permitted == Int.max
                ? (1 + Self.claimedAheadPerSlot) * destination.maximumConcurrency : min(permitted, destination.maximumConcurrency)
            let limit = min(held - exchanging[name, default: 0] - ready[name, default: []].count, configuration.claimBatch)
            guard limit > 0 else { continue }
            requests.append(ClaimRequest(destination: name, limit: limit))
        }
        guard !requests.isEmpty else { return }
        let outcome = await store.claim(requests, owner: configuration.owner, leaseDuration: configuration.leaseDuration, now: configuration.now())
        for failure in outcome.failures {
            logger.warning("claiming for \(failure.destination) failed: \(failure.error)")
        }
        for delivery in outcome.claimed {
            ready[delivery.destination, default: []].append(delivery)
        }
    }

    /// The deliveries to start now in new slots, the slots taken (none once stopping: a claim that
    /// was under way when ``stop()`` came leaves its deliveries to be released).
    private func startable(now: ContinuousClock.Instant) -> [(ClaimedDelivery, any DeliveryChannel)] {
        var result: [(ClaimedDelivery, any DeliveryChannel)] = []
        guard !stopping else { return result }
        for destination in destinations {
            let name = destination.name
            while exchanging[name, default: 0] < destination.maximumConcurrency, let next = nextReady(name, now: now) {
                exchanging[name, default: 0] += 1
                result.append((next, destination.channel))
            }
        }
        return result
    }

    /// The next delivery claimed ahead for `name` that may start now (its breaker permits it; the
    /// breaker counts it as started); those whose lease is too short to start are set aside.
    private func nextReady(_ name: String, now: ContinuousClock.Instant) -> ClaimedDelivery? {
        let freshUntil = configuration.now().addingTimeInterval(configuration.leaseDuration.secondsValue / 2)
        while var queue = ready[name], !queue.isEmpty {
            guard breakers[name]?.permittedAttempts(now: now) ?? Int.max > 0 else { return nil }
            let next = queue.removeFirst()
            ready[name] = queue
            guard next.leaseExpiresAt >= freshUntil else {
                unusable.append(next)
                continue
            }
            breakers[name]?.attemptStarted()
            return next
        }
        return nil
    }

    /// Returns to `pending` what was claimed ahead and will not be attempted: those set aside and
    /// those of destinations whose breaker is open.
    private func releaseUnusable(now: ContinuousClock.Instant) async {
        for (name, queue) in ready where !queue.isEmpty && breakers[name]?.isOpen(now: now) == true {
            unusable += queue
            ready[name] = []
        }
        guard !unusable.isEmpty else { return }
        let ids = unusable.map(\.deliveryID)
        unusable.removeAll()
        await retryingStore("release \(ids.count) deliveries claimed ahead") { [store, configuration] in
            _ = try await store.release(ids, owner: configuration.owner, now: configuration.now())
        }
    }

    /// One slot: exchanges `first`, then the destination's next deliveries claimed ahead as long
    /// as there are any, recording each outcome while the next exchange runs.
    private func work(_ first: ClaimedDelivery, channel: any DeliveryChannel) async {
        await withTaskGroup(of: Void.self) { recordings in
            var next: ClaimedDelivery? = first
            var recording = false
            while let delivery = next {
                let completion = await exchange(delivery, channel: channel)
                // At most one outcome waits to be recorded per slot.
                if recording { await recordings.next() }
                recordings.addTask { await self.record(completion) }
                recording = true
                next = stopping ? nil : nextReady(delivery.destination, now: ContinuousClock.now)
                if next == nil { exchanging[delivery.destination, default: 1] -= 1 }
                signal.signal()
            }
        }
    }

    /// One exchange: send, classify, decide the next state.
    private func exchange(_ delivery: ClaimedDelivery, channel: any DeliveryChannel) async -> DeliveryCompletion {
        let startedAt = configuration.now()
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = await channel.attempt(delivery)
        let result = outcome.result
        let duration = clock.now - start
        var completion = decide(delivery, result: result, startedAt: startedAt, duration: duration, now: clock.now)
        completion.followUp = answerCallback(delivery, result: result, transition: completion.transition)
        completion.signed = outcome.signed
        return completion
    }

    /// Records an exchange's outcome; the conversation's next delivery may be due after it.
    private func record(_ completion: DeliveryCompletion) async {
        await retryingStore("record attempt of delivery \(completion.deliveryID)") { [store] in
            _ = try await store.complete(completion)
        }
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
            let age = Duration.milliseconds(Int64(configuration.now().timeIntervalSince(delivery.budgetStartedAt) * 1000))
            let transition: DeliveryCompletion.Transition
            if let delay = configuration.retry.nextDelay(afterAttempt: delivery.attempt, age: age, using: &generator) {
                transition = .retry(at: configuration.now().addingTimeInterval(delay.secondsValue))
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
        return answer.map { AnswerCallback(answer: $0, to: delivery, at: configuration.now()).message(for: delivery, routing: routing) }
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

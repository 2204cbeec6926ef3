import Foundation
import SWGateDelivery
import SWGateStore
import Synchronization
import Testing

@Suite("Delivery engine")
struct DeliveryEngineTests {
    private func engine(_ store: SQLiteOutboxStore, _ destinations: [DeliveryDestination], retry: RetryPolicy = fastRetry()) -> DeliveryEngine {
        DeliveryEngine(
            store: store, destinations: destinations,
            configuration: DeliveryEngineConfiguration(owner: "engine-test", pollInterval: .milliseconds(20), retry: retry))
    }

    private func states(_ store: SQLiteOutboxStore) async throws -> [String: DeliveryState] {
        var result: [String: DeliveryState] = [:]
        for summary in try await store.deliveries(matching: DeliveryFilter()) {
            let record = try #require(try await store.message(id: summary.messageID))
            result["\(record.wireMessageID)@\(summary.destination)"] = summary.state
        }
        return result
    }

    @Test("Transient failures are retried until delivered; every attempt is kept")
    func transientIsRetried() async throws {
        try await withStore { store, _ in
            let channel = ScriptedChannel()
            channel.script("M-1", [transient503, transient503])
            let result = try await store.enqueue(message("M-1", conversation: "C-1"))
            try await whileRunning(engine(store, [DeliveryDestination(name: "nsw", channel: channel)])) { () async throws in
                #expect(try await eventually { try await states(store)["M-1@nsw"] == .delivered })
            }
            let record = try #require(try await store.message(id: result.id))
            #expect(record.deliveries[0].attempts.map(\.outcome) == [.transientFailure, .transientFailure, .delivered])
            #expect(channel.attempts == ["M-1", "M-1", "M-1"])
        }
    }

    @Test("A permanent failure goes to failed at once, without retry")
    func permanentFailsAtOnce() async throws {
        try await withStore { store, _ in
            let channel = ScriptedChannel()
            channel.script("M-1", [permanent400])
            _ = try await store.enqueue(message("M-1", conversation: "C-1"))
            try await whileRunning(engine(store, [DeliveryDestination(name: "nsw", channel: channel)])) { () async throws in
                #expect(try await eventually { try await states(store)["M-1@nsw"] == .failed })
                // Later work is claimed and delivered while M-1 stays failed: the engine went on
                // claiming and never took M-1 again.
                _ = try await store.enqueue(message("M-2", conversation: "C-2"))
                #expect(try await eventually { try await states(store)["M-2@nsw"] == .delivered })
                #expect(try await states(store)["M-1@nsw"] == .failed)
            }
            #expect(channel.attempts == ["M-1", "M-2"])
        }
    }

    @Test("A spent retry budget makes the delivery dead; replay brings it back and it is delivered")
    func budgetThenReplay() async throws {
        try await withStore { store, _ in
            let channel = ScriptedChannel()
            channel.script("M-1", [transient503, transient503, transient503])
            let accepted = try await store.enqueue(message("M-1", conversation: "C-1"))
            let engine = engine(store, [DeliveryDestination(name: "nsw", channel: channel)], retry: fastRetry(attempts: 3))
            try await whileRunning(engine) { () async throws in
                #expect(try await eventually { try await states(store)["M-1@nsw"] == .dead })
                _ = try await store.replay(ReplayRequest(selection: .messages([accepted.id]), operatorName: "ops", dryRun: false))
                engine.wake()
                #expect(try await eventually { try await states(store)["M-1@nsw"] == .delivered })
            }
            #expect(channel.attempts.count == 4)
        }
    }

    @Test("Order per conversation holds while the ISSUE is retried, across an engine restart")
    func orderUnderFailuresAndRestart() async throws {
        try await withStore { store, _ in
            let channel = ScriptedChannel()
            channel.script("ISSUE", [transient503, transient503, transient503])
            channel.script("AMEND", [transient503])
            _ = try await store.enqueue(message("ISSUE", conversation: "CO-1"))
            _ = try await store.enqueue(message("AMEND", conversation: "CO-1", function: .amend))
            _ = try await store.enqueue(message("CANCEL", conversation: "CO-1", function: .cancel))
            _ = try await store.enqueue(message("OTHER", conversation: "CO-2"))
            let destinations = [DeliveryDestination(name: "nsw", channel: channel, maximumConcurrency: 8)]
            // First run: stop it as soon as the ISSUE has failed once.
            try await whileRunning(engine(store, destinations)) { () async throws in
                #expect(await eventually { channel.attempts.contains("ISSUE") })
            }
            try await whileRunning(engine(store, destinations)) { () async throws in
                #expect(try await eventually { try await states(store).values.allSatisfy { $0 == .delivered } })
            }
            let conversation = channel.attempts.filter { $0 != "OTHER" }
            let firstAmend = try #require(conversation.firstIndex(of: "AMEND"))
            let firstCancel = try #require(conversation.firstIndex(of: "CANCEL"))
            #expect(conversation[..<firstAmend].allSatisfy { $0 == "ISSUE" })
            #expect(conversation[..<firstCancel].allSatisfy { $0 != "CANCEL" })
            #expect(conversation.lastIndex(of: "ISSUE")! < firstAmend)
            #expect(conversation.lastIndex(of: "AMEND")! < firstCancel)
        }
    }

    @Test("A failing destination opens its breaker without holding up another destination")
    func breakerIsolatesDestinations() async throws {
        try await withStore { store, _ in
            let down = ScriptedChannel(fallback: transient503)
            let up = ScriptedChannel()
            for index in 0..<10 {
                _ = try await store.enqueue(message("M-\(index)", conversation: "C-\(index)", destinations: ["asw", "nsw"]))
            }
            let engine = engine(
                store,
                [
                    DeliveryDestination(
                        name: "asw", channel: down, maximumConcurrency: 1, circuitBreaker: .init(failureThreshold: 3, coolDown: .seconds(60))),
                    DeliveryDestination(name: "nsw", channel: up, maximumConcurrency: 2),
                ])
            try await whileRunning(engine) { () async throws in
                // Generous windows: alone this takes a fraction of a second, but in the full parallel
                // suite on two cores the cooperative pool can be busy for tens of seconds.
                #expect(
                    try await eventually(within: 90) {
                        try await store.deliveries(matching: DeliveryFilter(states: [.delivered], destination: "nsw")).count == 10
                    })
                #expect(
                    await eventually(within: 90) {
                        if case .open = await engine.breakerState(for: "asw") { return true }
                        return false
                    })
                // More work for both destinations once the breaker is open: when the engine has
                // claimed and delivered the nsw part, it has passed over asw in those claims.
                for index in 10..<15 {
                    _ = try await store.enqueue(message("M-\(index)", conversation: "C-\(index)", destinations: ["asw", "nsw"]))
                }
                engine.wake()
                #expect(
                    try await eventually(within: 90) {
                        try await store.deliveries(matching: DeliveryFilter(states: [.delivered], destination: "nsw")).count == 15
                    })
            }
            // The breaker opened after 3 consecutive failures and sent nothing more during its cool-down.
            #expect(down.attempts.count == 3)
            #expect(try await store.deliveries(matching: DeliveryFilter(states: [.delivered], destination: "asw")).isEmpty)
        }
    }
}

@Suite("Delivery engine: deliveries claimed ahead")
struct DeliveryEngineClaimAheadTests {
    private func deliveries(_ store: SQLiteOutboxStore, _ state: DeliveryState) async throws -> Int {
        try await store.deliveries(matching: DeliveryFilter(states: [state])).count
    }

    @Test("A destination holds twice as many deliveries claimed ahead as it has slots; a graceful stop releases them unattempted")
    func claimedAheadThenStop() async throws {
        try await withStore { store, _ in
            let channel = GatedChannel()
            let started = channel.started
            var ids: [String] = []
            for index in 1...8 {
                ids.append(try await store.enqueue(message("M-\(index)", conversation: "C-\(index)")).id)
            }
            let engine = DeliveryEngine(
                store: store, destinations: [DeliveryDestination(name: "nsw", channel: channel, maximumConcurrency: 2)],
                configuration: DeliveryEngineConfiguration(owner: "ahead-test", pollInterval: .milliseconds(20)))
            let running = Task { await engine.run() }
            // Two exchanges held by the partner, four more deliveries claimed ahead for the slots.
            #expect(await eventually { started.attempts.count == 2 })
            #expect(try await eventually { try await deliveries(store, .sending) == 6 })
            #expect(started.attempts.sorted() == ["M-1", "M-2"])
            engine.stop()
            channel.release()
            await running.value
            #expect(started.attempts.sorted() == ["M-1", "M-2"])
            #expect(try await deliveries(store, .delivered) == 2)
            #expect(try await deliveries(store, .sending) == 0)
            #expect(try await deliveries(store, .pending) == 6)
            for id in ids[2...5] {
                let record = try #require(try await store.message(id: id))
                #expect(record.deliveries[0].attempts.isEmpty)
                let last = try #require(try await store.auditEntries(messageID: id).last)
                #expect(last.event == .leaseReclaimed && last.actor == "ahead-test")
            }
            // The next run delivers the rest, each once, the released ones at their first attempt.
            let next = DeliveryEngine(
                store: store, destinations: [DeliveryDestination(name: "nsw", channel: channel, maximumConcurrency: 2)],
                configuration: DeliveryEngineConfiguration(owner: "ahead-test", pollInterval: .milliseconds(20)))
            try await whileRunning(next) { () async throws in
                #expect(try await eventually { try await deliveries(store, .delivered) == 8 })
            }
            #expect(started.attempts.sorted() == (1...8).map { "M-\($0)" })
            for id in ids {
                let record = try #require(try await store.message(id: id))
                #expect(record.deliveries[0].attempts.map(\.number) == [1])
            }
        }
    }

    @Test("A delivery claimed ahead with less than half its lease left is released, not sent, and delivered after a fresh claim")
    func staleClaimIsReleased() async throws {
        try await withStore { store, _ in
            let channel = GatedChannel()
            let started = channel.started
            let clock = MovedClock()
            let first = try await store.enqueue(message("M-1", conversation: "C-1")).id
            let second = try await store.enqueue(message("M-2", conversation: "C-2")).id
            let engine = DeliveryEngine(
                store: store, destinations: [DeliveryDestination(name: "nsw", channel: channel, maximumConcurrency: 1)],
                configuration: DeliveryEngineConfiguration(
                    owner: "lease-test", leaseDuration: .seconds(60), pollInterval: .milliseconds(20), leaseReapInterval: .seconds(600),
                    now: { clock.now }))
            try await whileRunning(engine) { () async throws in
                // M-1 held by the partner, M-2 claimed ahead with a lease of 60 s.
                #expect(await eventually { started.attempts == ["M-1"] })
                #expect(try await eventually { try await deliveries(store, .sending) == 2 })
                // 31 s later by the engine's clock, M-2 has less than half its lease left.
                clock.advance(31)
                channel.release()
                #expect(try await eventually { try await deliveries(store, .delivered) == 2 })
            }
            // Each sent once, M-2 only after a fresh claim: released by its owner without an attempt.
            #expect(started.attempts == ["M-1", "M-2"])
            let entries = try await store.auditEntries(messageID: second)
            #expect(entries.map(\.event) == [.accepted, .sending, .leaseReclaimed, .sending, .delivered])
            let release = try #require(entries.first { $0.event == .leaseReclaimed })
            #expect(release.actor == "lease-test" && release.detail.contains("unattempted"))
            for id in [first, second] {
                let record = try #require(try await store.message(id: id))
                #expect(record.deliveries[0].attempts.map(\.number) == [1])
            }
        }
    }

    @Test("A breaker that opens releases the deliveries claimed ahead for its destination, unattempted")
    func breakerReleasesClaimedAhead() async throws {
        try await withStore { store, _ in
            let channel = ScriptedChannel(fallback: transient503)
            var ids: [String] = []
            for index in 1...3 {
                ids.append(try await store.enqueue(message("M-\(index)", conversation: "C-\(index)")).id)
            }
            let engine = DeliveryEngine(
                store: store,
                destinations: [
                    DeliveryDestination(
                        name: "nsw", channel: channel, maximumConcurrency: 1, circuitBreaker: .init(failureThreshold: 1, coolDown: .seconds(60)))
                ],
                configuration: DeliveryEngineConfiguration(owner: "breaker-test", pollInterval: .milliseconds(20), retry: fastRetry()))
            try await whileRunning(engine) { () async throws in
                #expect(
                    try await eventually {
                        let released = try await store.auditEntries(messageID: ids[1]).last?.event == .leaseReclaimed
                        guard released else { return false }
                        return try await deliveries(store, .sending) == 0
                    })
            }
            #expect(channel.attempts == ["M-1"])
            let released = try #require(try await store.message(id: ids[1]))
            #expect(released.deliveries[0].state == .pending && released.deliveries[0].attempts.isEmpty)
            let failed = try #require(try await store.message(id: ids[0]))
            #expect(failed.deliveries[0].attempts.map(\.outcome) == [.transientFailure])
        }
    }
}

/// The wall clock plus an offset the test moves forward: deliveries enqueued at the real time are
/// due, and the engine sees its claims age without the test waiting.
private final class MovedClock: Sendable {
    private let offset = Mutex(0.0)
    var now: Date { Date().addingTimeInterval(offset.withLock { $0 }) }
    func advance(_ seconds: Double) { offset.withLock { $0 += seconds } }
}

/// A channel that holds each attempt until the test opens the gate (bounded at 10 s), to catch the
/// engine with an attempt in flight.
private final class GatedChannel: DeliveryChannel {
    let started = ScriptedChannel()
    private let open = Mutex(false)

    func release() { open.withLock { $0 = true } }

    func deliver(_ delivery: ClaimedDelivery) async -> DeliveryResult {
        _ = await started.deliver(delivery)
        for _ in 0..<1000 where !open.withLock({ $0 }) {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return .delivered(receipt: nil, httpStatus: 200)
    }
}

@Suite("Delivery engine shutdown")
struct DeliveryEngineShutdownTests {
    @Test("stop() lets the attempt in flight finish and record delivery, and claims nothing more")
    func gracefulStop() async throws {
        try await withStore { store, _ in
            let channel = GatedChannel()
            let started = channel.started
            _ = try await store.enqueue(message("FIRST", conversation: "C-1"))
            _ = try await store.enqueue(message("SECOND", conversation: "C-1", function: .amend))
            let engine = DeliveryEngine(
                store: store, destinations: [DeliveryDestination(name: "nsw", channel: channel)],
                configuration: DeliveryEngineConfiguration(owner: "stop-test", pollInterval: .milliseconds(20)))
            let running = Task { await engine.run() }
            #expect(await eventually { started.attempts == ["FIRST"] })
            engine.stop()
            channel.release()
            await running.value
            let delivered = try await store.deliveries(matching: DeliveryFilter(states: [.delivered]))
            let pending = try await store.deliveries(matching: DeliveryFilter(states: [.pending]))
            #expect(delivered.count == 1)
            #expect(pending.count == 1)
            #expect(started.attempts == ["FIRST"])
        }
    }
}

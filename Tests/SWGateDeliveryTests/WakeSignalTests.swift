import Synchronization
import Testing

@testable import SWGateDelivery

/// The engine's loop sleeps on a `WakeSignal` between passes. These tests pin down its contract:
/// a signal sent while nobody waits is remembered once, a waiter is resumed by the next signal, by
/// its timeout or by cancellation, and a wait is never ended by what belonged to an earlier one.
/// Bounds on elapsed time are generous: they tell "ended by the signal" (well before a 30 s timeout)
/// from "ended by the timeout", and never measure speed.
@Suite("The delivery engine's wake signal")
struct WakeSignalTests {
    private static let long = Duration.seconds(30)

    /// Suspends until `signal` has a waiter (bounded: fails instead of spinning forever).
    private func untilWaiting(_ signal: WakeSignal) async throws {
        for _ in 0..<1_000_000 {
            if signal.hasWaiter { return }
            await Task.yield()
        }
        Issue.record("no task started waiting")
        throw CancellationError()
    }

    @Test("A signal sent while nobody waits is remembered once")
    func rememberedOnce() async {
        let signal = WakeSignal()
        signal.signal()
        signal.signal()
        let clock = ContinuousClock()
        let first = await clock.measure { await signal.wait(timeout: Self.long) }
        #expect(first < .seconds(20))
        let second = await clock.measure { await signal.wait(timeout: .milliseconds(50)) }
        #expect(second >= .milliseconds(50))
    }

    @Test("A waiting task is resumed by the next signal")
    func resumedBySignal() async throws {
        let signal = WakeSignal()
        let clock = ContinuousClock()
        let waiter = Task { await clock.measure { await signal.wait(timeout: Self.long) } }
        try await untilWaiting(signal)
        signal.signal()
        #expect(await waiter.value < .seconds(20))
        #expect(!signal.hasWaiter)
    }

    @Test("Without a signal, a wait ends at its timeout")
    func endsAtTimeout() async {
        let signal = WakeSignal()
        let elapsed = await ContinuousClock().measure { await signal.wait(timeout: .milliseconds(30)) }
        #expect(elapsed >= .milliseconds(30))
        #expect(!signal.hasWaiter)
    }

    @Test("Cancellation ends a wait and is not remembered as a signal")
    func cancellation() async throws {
        let signal = WakeSignal()
        let clock = ContinuousClock()
        let waiter = Task { await clock.measure { await signal.wait(timeout: Self.long) } }
        try await untilWaiting(signal)
        waiter.cancel()
        #expect(await waiter.value < .seconds(20))
        let next = await clock.measure { await signal.wait(timeout: .milliseconds(50)) }
        #expect(next >= .milliseconds(50))
        // A task cancelled before it waits returns at once.
        let cancelled = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await clock.measure { await signal.wait(timeout: Self.long) }
        }
        #expect(await cancelled.value < .seconds(20))
    }

    @Test("Each wait is ended by its own signal, never by an earlier wait's timeout or signal")
    func eachWaitByItsOwnSignal() async throws {
        let signal = WakeSignal()
        let sent = SentFlag()
        for round in 0..<200 {
            sent.value.withLock { $0 = false }
            // This round's signal cancels its wait's sleeper, which then runs its expiry late,
            // often while the next round already waits: that expiry must not end the next wait.
            let waiter = Task {
                await signal.wait(timeout: Self.long)
                return sent.value.withLock { $0 }
            }
            try await untilWaiting(signal)
            sent.value.withLock { $0 = true }
            signal.signal()
            #expect(await waiter.value, "round \(round): the wait ended before its signal")
        }
    }
}

private final class SentFlag: Sendable {
    let value = Mutex(false)
}

import Synchronization

/// Lets the engine sleep until there may be new work (a delivery finished, a message was enqueued)
/// or a timeout passes, whichever comes first. Signals while nobody waits are remembered once.
///
/// A busy engine is signalled many times between two passes of its loop, so `wait` usually finds a
/// signal pending: it then returns at once, without suspending. Otherwise the waiting task is
/// suspended on one continuation, which the first of a signal, the timeout or cancellation resumes.
/// No child tasks: every task hop costs a turn in the cooperative pool's queue, behind whatever
/// signing and verification is queued there, and the loop's claims wait for its passes.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
        /// Tells a timeout whether the wait it was started for is still the one waiting.
        var generation: UInt64 = 0
        /// The sleeper that ends the current wait at its timeout; cancelled when the wait ends sooner.
        var timeout: Task<Void, Never>?
    }

    private let state = Mutex(State())

    /// Whether a task is suspended in ``wait(timeout:)`` (for tests).
    var hasWaiter: Bool { state.withLock { $0.waiter != nil } }

    func signal() {
        resume(rememberedIfNobodyWaits: true)
    }

    /// Returns at once if a signal is pending (and consumes it); otherwise at the next signal, after
    /// `timeout`, or at cancellation. One waiter at a time.
    func wait(timeout: Duration) async {
        let signalled = state.withLock { state -> Bool in
            guard state.pending else { return false }
            state.pending = false
            return true
        }
        if signalled || Task.isCancelled { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let generation = state.withLock { state -> UInt64? in
                    // Checked under the lock that `onCancel` takes: a cancellation either is seen
                    // here or finds the waiter registered.
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return nil
                    }
                    state.generation &+= 1
                    state.waiter = continuation
                    return state.generation
                }
                guard let generation else {
                    continuation.resume()
                    return
                }
                let sleeper = Task {
                    try? await Task.sleep(for: timeout)
                    self.expire(generation)
                }
                // The wait may already have ended (a signal or cancellation between the two locks):
                // then the sleeper is not needed.
                let needed = state.withLock { state -> Bool in
                    guard state.waiter != nil, state.generation == generation else { return false }
                    state.timeout = sleeper
                    return true
                }
                if !needed { sleeper.cancel() }
            }
        } onCancel: {
            // Not remembered as a signal: the cancelled task returns, and nobody else waits.
            resume(rememberedIfNobodyWaits: false)
        }
    }

    /// Resumes the waiter and cancels its sleeper; with nobody waiting, remembers a signal if asked.
    private func resume(rememberedIfNobodyWaits remembered: Bool) {
        let (waiter, sleeper) = state.withLock { state -> (CheckedContinuation<Void, Never>?, Task<Void, Never>?) in
            guard let waiter = state.waiter else {
                if remembered { state.pending = true }
                return (nil, nil)
            }
            state.waiter = nil
            defer { state.timeout = nil }
            return (waiter, state.timeout)
        }
        sleeper?.cancel()
        waiter?.resume()
    }

    /// The timeout of wait number `generation`: resumes it if it is still waiting.
    private func expire(_ generation: UInt64) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.generation == generation, let waiter = state.waiter else { return nil }
            state.waiter = nil
            state.timeout = nil
            return waiter
        }
        waiter?.resume()
    }
}

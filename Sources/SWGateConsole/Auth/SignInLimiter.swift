public import Foundation
import Synchronization

/// Slows down password guessing: after `maximumFailures` failed sign-ins for one account within
/// `window`, that account's sign-in is refused until the window has passed, and so is every
/// sign-in once the whole console has seen `maximumFailuresOverall` failures in the window
/// (guessing spread over many names). A success clears the account's count.
public final class SignInLimiter: Sendable {
    public let maximumFailures: Int
    public let maximumFailuresOverall: Int
    public let window: Duration
    private let now: @Sendable () -> Date
    private let failures = Mutex<[String: [Date]]>([:])

    public init(
        maximumFailures: Int = 5, maximumFailuresOverall: Int = 50, window: Duration = .seconds(15 * 60),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.maximumFailures = maximumFailures
        self.maximumFailuresOverall = maximumFailuresOverall
        self.window = window
        self.now = now
    }

    /// Nil when `name` may try to sign in now, else how many seconds until it may.
    public func retryAfter(name: String) -> Int? {
        let at = now()
        return failures.withLock { all in
            prune(&all, at: at)
            let own = all[key(name)] ?? []
            let overall = all.values.flatMap { $0 }
            var waits: [Date] = []
            if own.count >= maximumFailures, let oldest = own.min() { waits.append(oldest) }
            if overall.count >= maximumFailuresOverall, let oldest = overall.min() { waits.append(oldest) }
            guard let first = waits.max() else { return nil }
            return max(1, Int((first.timeIntervalSince(at) + window.seconds).rounded(.up)))
        }
    }

    /// A failed sign-in for `name` (known or not).
    public func recordFailure(name: String) {
        let at = now()
        failures.withLock { all in
            prune(&all, at: at)
            all[key(name), default: []].append(at)
        }
    }

    /// A successful sign-in: the account's failures are forgotten.
    public func recordSuccess(name: String) {
        _ = failures.withLock { $0.removeValue(forKey: key(name)) }
    }

    private func key(_ name: String) -> String { name.lowercased() }

    private func prune(_ all: inout [String: [Date]], at: Date) {
        let horizon = at.addingTimeInterval(-window.seconds)
        for (name, dates) in all {
            let kept = dates.filter { $0 > horizon }
            all[name] = kept.isEmpty ? nil : kept
        }
    }
}

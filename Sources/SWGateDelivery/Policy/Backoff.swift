import Foundation

/// Exponential backoff with jitter: the n-th retry waits `initial × multiplier^(n−1)`, capped at
/// `maximum`, and then shortened by a random fraction up to `jitter`, so that many messages failing
/// together do not retry together.
public struct Backoff: Sendable, Hashable {
    public var initial: Duration
    public var multiplier: Double
    public var maximum: Duration
    /// 0 = no jitter; 0.5 = each delay is uniformly random in [50 %, 100 %] of the nominal delay.
    public var jitter: Double

    public init(initial: Duration = .seconds(1), multiplier: Double = 2, maximum: Duration = .seconds(300), jitter: Double = 0.5) {
        self.initial = initial
        self.multiplier = max(1, multiplier)
        self.maximum = maximum
        self.jitter = min(1, max(0, jitter))
    }

    /// The nominal (un-jittered) delay after attempt `attempt` (1-based) failed.
    public func nominalDelay(afterAttempt attempt: Int) -> Duration {
        let exponent = Double(max(0, attempt - 1))
        let seconds = initial.secondsValue * pow(multiplier, exponent)
        return seconds >= maximum.secondsValue ? maximum : .seconds(seconds)
    }

    /// The range a jittered delay falls in.
    public func bounds(afterAttempt attempt: Int) -> ClosedRange<Duration> {
        let nominal = nominalDelay(afterAttempt: attempt)
        return (nominal * (1 - jitter))...nominal
    }

    /// A jittered delay after attempt `attempt` failed.
    public func delay(afterAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let nominal = nominalDelay(afterAttempt: attempt)
        guard jitter > 0 else { return nominal }
        return nominal * (1 - jitter * Double.random(in: 0...1, using: &generator))
    }
}

extension Duration {
    var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

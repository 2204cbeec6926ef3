import Foundation
import SWGateConsole
import Testing

@Suite("Console: sign-in rate limit")
struct SignInLimiterTests {
    @Test("An account is locked after its failures within the window, then released; others are not affected")
    func perAccount() {
        let clock = ManualClock()
        let limiter = SignInLimiter(maximumFailures: 3, maximumFailuresOverall: 100, window: .seconds(60), now: { clock.now })
        for _ in 0..<3 {
            #expect(limiter.retryAfter(name: "alice") == nil)
            limiter.recordFailure(name: "alice")
        }
        let wait = limiter.retryAfter(name: "alice")
        #expect(wait != nil && wait! <= 60 && wait! > 0)
        #expect(limiter.retryAfter(name: "ALICE") != nil, "names compare without case")
        #expect(limiter.retryAfter(name: "bob") == nil)
        clock.advance(61)
        #expect(limiter.retryAfter(name: "alice") == nil)
    }

    @Test("Guessing across many names locks sign-in for everyone; a success clears the account")
    func overall() {
        let clock = ManualClock()
        let limiter = SignInLimiter(maximumFailures: 3, maximumFailuresOverall: 5, window: .seconds(60), now: { clock.now })
        limiter.recordFailure(name: "alice")
        limiter.recordSuccess(name: "alice")
        for index in 0..<5 { limiter.recordFailure(name: "guess-\(index)") }
        #expect(limiter.retryAfter(name: "carol") != nil)
        clock.advance(61)
        #expect(limiter.retryAfter(name: "carol") == nil)
    }
}

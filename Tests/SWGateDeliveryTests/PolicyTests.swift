import Foundation
import SWGateDelivery
import SWGateStore
import Testing

@Suite("Backoff, retry budget, circuit breaker, classification")
struct PolicyTests {
    @Test("Backoff grows exponentially, is capped, and jitter stays within bounds")
    func backoff() {
        let backoff = Backoff(initial: .seconds(1), multiplier: 2, maximum: .seconds(60), jitter: 0.5)
        #expect(backoff.nominalDelay(afterAttempt: 1) == .seconds(1))
        #expect(backoff.nominalDelay(afterAttempt: 4) == .seconds(8))
        #expect(backoff.nominalDelay(afterAttempt: 30) == .seconds(60))
        var generator = SystemRandomNumberGenerator()
        var seen = Set<Duration>()
        for attempt in 1...10 {
            for _ in 0..<50 {
                let delay = backoff.delay(afterAttempt: attempt, using: &generator)
                #expect(backoff.bounds(afterAttempt: attempt).contains(delay))
                seen.insert(delay)
            }
        }
        #expect(seen.count > 10)
    }

    @Test("The retry budget ends by attempts and by age")
    func retryBudget() {
        let policy = RetryPolicy(maximumAttempts: 3, maximumAge: .seconds(100), backoff: Backoff(initial: .seconds(10), jitter: 0))
        var generator = SystemRandomNumberGenerator()
        #expect(policy.nextDelay(afterAttempt: 1, age: .zero, using: &generator) == .seconds(10))
        #expect(policy.nextDelay(afterAttempt: 2, age: .seconds(10), using: &generator) == .seconds(20))
        #expect(policy.nextDelay(afterAttempt: 3, age: .seconds(30), using: &generator) == nil)
        #expect(policy.nextDelay(afterAttempt: 1, age: .seconds(95), using: &generator) == nil)
    }

    @Test("The breaker opens after N consecutive failures, probes once after the cool-down, and closes on success")
    func breaker() {
        var breaker = CircuitBreaker(configuration: .init(failureThreshold: 3, coolDown: .seconds(30)))
        let start = ContinuousClock.now
        breaker.recordFailure(now: start)
        breaker.recordFailure(now: start)
        #expect(breaker.permittedAttempts(now: start) == Int.max)
        breaker.recordSuccess()
        for _ in 0..<3 { breaker.recordFailure(now: start) }
        #expect(breaker.isOpen(now: start))
        #expect(breaker.permittedAttempts(now: start + .seconds(29)) == 0)
        #expect(breaker.permittedAttempts(now: start + .seconds(31)) == 1)
        breaker.attemptStarted()
        #expect(breaker.permittedAttempts(now: start + .seconds(31)) == 0)
        breaker.recordFailure(now: start + .seconds(32))
        #expect(breaker.isOpen(now: start + .seconds(40)))
        #expect(breaker.permittedAttempts(now: start + .seconds(63)) == 1)
        breaker.attemptStarted()
        breaker.recordSuccess()
        #expect(breaker.state == .closed(consecutiveFailures: 0))
    }

    @Test("Failure classes carry the dispositions of docs/delivery.md")
    func dispositions() {
        let transient: [FailureReason] = [.connection, .timeout, .httpServerError, .soapServerFault, .ebmsWarning]
        let permanent: [FailureReason] = [.httpClientError, .soapClientFault, .ebmsFailure, .badAnswerSignature, .unexpectedAnswer, .httpRedirect]
        #expect(transient.allSatisfy { $0.disposition == .transient })
        #expect(permanent.allSatisfy { $0.disposition == .permanent })
        #expect(FailureReason("as4-pull-pending", .transient).disposition == .transient)
    }

    @Test("HTTP status classification: 2xx delivered with receipt, 5xx transient, 4xx and 3xx permanent, 1xx unexpected")
    func httpClassification() {
        let classifier = HTTPStatusClassifier()
        guard
            case .delivered(let receipt?, 200, _) = classifier.classify(HTTPAnswer(status: 200, contentType: "text/xml", body: .init("<ACK/>".utf8)))
        else {
            Issue.record("200 not delivered with receipt")
            return
        }
        #expect(receipt.body == .init("<ACK/>".utf8))
        for (status, reason) in [
            (500, FailureReason.httpServerError), (503, .httpServerError), (400, .httpClientError), (404, .httpClientError), (302, .httpRedirect),
            (308, .httpRedirect), (101, .unexpectedAnswer),
        ] {
            guard case .failed(let failure) = classifier.classify(HTTPAnswer(status: status, contentType: nil, body: .init())) else {
                Issue.record("\(status) not a failure")
                continue
            }
            #expect(failure.reason == reason)
            #expect(failure.httpStatus == status)
        }
    }
}

import Foundation
import SWGateConsole
import Synchronization
import Testing

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: Double) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

let alice = ConsoleOperator(name: "alice", passwordHash: "unused", role: .operator, timeZone: "Asia/Ho_Chi_Minh")

@Suite("Console: sessions")
struct SessionTests {
    @Test("A session expires after the idle time without use; use restarts the idle clock")
    func idle() throws {
        let clock = ManualClock()
        let sessions = ConsoleSessions(idleTimeout: .seconds(600), absoluteTimeout: .seconds(36_000), now: { clock.now })
        let session = sessions.open(for: alice)
        #expect(session.operatorName == "alice" && session.role == .operator)
        #expect(session.timeZone.identifier == "Asia/Ho_Chi_Minh")
        #expect(session.csrfToken.count == 64)
        let id = try #require(sessionID(session))
        clock.advance(500)
        #expect(sessions.session(id: id) != nil)
        clock.advance(500)
        #expect(sessions.session(id: id) != nil, "used 500 s ago: still alive")
        clock.advance(601)
        #expect(sessions.session(id: id) == nil)
        #expect(sessions.count == 0)
    }

    @Test("A busy session still ends at its absolute lifetime; sign-out ends it at once")
    func absolute() throws {
        let clock = ManualClock()
        let sessions = ConsoleSessions(idleTimeout: .seconds(600), absoluteTimeout: .seconds(1_800), now: { clock.now })
        let first = try #require(sessionID(sessions.open(for: alice)))
        for _ in 0..<5 {
            clock.advance(300)
            _ = sessions.session(id: first)
        }
        clock.advance(300)
        #expect(sessions.session(id: first) == nil)
        let second = try #require(sessionID(sessions.open(for: alice)))
        sessions.close(id: second)
        #expect(sessions.session(id: second) == nil)
        #expect(sessions.session(id: "not-a-session") == nil)
    }

    @Test("Ids and CSRF tokens are fresh for every session")
    func fresh() throws {
        let sessions = ConsoleSessions()
        let a = sessions.open(for: alice)
        let b = sessions.open(for: alice)
        #expect(a.csrfToken != b.csrfToken)
        #expect(sessionID(a) != sessionID(b))
    }
}

/// The session id is internal to the module: read through the cookie a sign-in would set.
func sessionID(_ session: ConsoleSession) -> String? {
    Mirror(reflecting: session).children.first { $0.label == "id" }?.value as? String
}

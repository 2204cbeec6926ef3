public import Foundation
import Synchronization

/// One signed-in operator's session, kept in memory only: a restart signs everyone out.
public struct ConsoleSession: Sendable, Hashable {
    /// Sent only in the session cookie; never written into a page.
    let id: String
    public let operatorName: String
    public let role: ConsoleRole
    /// Echoed in every state-changing form; a POST without it is refused.
    public let csrfToken: String
    public let createdAt: Date
    public var lastSeenAt: Date
    /// The zone times are shown in; starts as the operator's configured zone, can be changed per session.
    public var timeZone: TimeZone
    /// The labels' language; starts as the operator's configured one.
    public var language: ConsoleLanguage
}

/// The sessions of this gateway instance, with idle and absolute expiry on an injected clock.
public final class ConsoleSessions: Sendable {
    /// A session unused this long is gone.
    public let idleTimeout: Duration
    /// A session older than this is gone however busy it is.
    public let absoluteTimeout: Duration
    private let now: @Sendable () -> Date
    private let sessions = Mutex<[String: ConsoleSession]>([:])

    public init(
        idleTimeout: Duration = .seconds(30 * 60), absoluteTimeout: Duration = .seconds(12 * 3600), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.now = now
    }

    /// Opens a session for `account` with fresh random id and CSRF token.
    public func open(for account: ConsoleOperator) -> ConsoleSession {
        let at = now()
        let zone = account.timeZone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")!
        let session = ConsoleSession(
            id: RandomToken.make(), operatorName: account.name, role: account.role, csrfToken: RandomToken.make(), createdAt: at, lastSeenAt: at,
            timeZone: zone, language: account.language)
        sessions.withLock { all in
            all = all.filter { !isExpired($0.value, at: at) }
            all[session.id] = session
        }
        return session
    }

    /// The live session with this id, its idle clock restarted; nil when unknown or expired.
    public func session(id: String) -> ConsoleSession? {
        let at = now()
        return sessions.withLock { all in
            guard var session = all[id] else { return nil }
            if isExpired(session, at: at) {
                all[id] = nil
                return nil
            }
            session.lastSeenAt = at
            all[id] = session
            return session
        }
    }

    /// Changes the zone a session shows times in.
    public func setTimeZone(_ zone: TimeZone, id: String) {
        sessions.withLock { $0[id]?.timeZone = zone }
    }

    /// Changes the language of a session's labels.
    public func setLanguage(_ language: ConsoleLanguage, id: String) {
        sessions.withLock { $0[id]?.language = language }
    }

    /// Ends a session (sign-out).
    public func close(id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }

    /// Sessions alive now.
    public var count: Int {
        let at = now()
        return sessions.withLock { $0.values.filter { !isExpired($0, at: at) }.count }
    }

    private func isExpired(_ session: ConsoleSession, at: Date) -> Bool {
        at.timeIntervalSince(session.lastSeenAt) >= idleTimeout.seconds || at.timeIntervalSince(session.createdAt) >= absoluteTimeout.seconds
    }
}

extension Duration {
    /// Whole and fractional seconds.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}

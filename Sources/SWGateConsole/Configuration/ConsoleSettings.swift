/// The `console` section of the gateway configuration.
public struct ConsoleSettings: Sendable, Hashable {
    /// Whether cookies carry `Secure`.
    public enum SecureCookies: String, Sendable, Hashable, CaseIterable {
        /// `Secure` when the listener speaks TLS; plain-HTTP development listeners get cookies without it.
        case auto
        /// Always (for a console behind a TLS-terminating proxy).
        case always
        /// Never (development only).
        case never
    }

    /// Served at `/console` when true and at least one operator is configured.
    public var enabled = true
    public var operators: [ConsoleOperator] = []
    public var secureCookies = SecureCookies.auto
    /// A session unused this long is signed out.
    public var sessionIdle: Duration = .seconds(30 * 60)
    /// A session is signed out this long after sign-in however busy it is.
    public var sessionLifetime: Duration = .seconds(12 * 3600)
    /// Failed sign-ins of one account within `signInWindow` before that account is locked for the window.
    public var signInFailures = 5
    public var signInWindow: Duration = .seconds(15 * 60)
    /// Certificates expiring within this many days are shown on the dashboard.
    public var certificateWarningDays = 30

    public init() {}

    /// Whether the gateway serves the console.
    public var isServed: Bool { enabled && !operators.isEmpty }
}

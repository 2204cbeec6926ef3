import Foundation

/// A configuration key that holds a duration (`500ms`, `30s`, `5m`, `24h`, `7d`), with the
/// integer key it replaces. The old key is read for one more release with a deprecation warning;
/// giving both spellings of one setting is an error.
struct DurationSetting: Sendable {
    /// The key, e.g. `initial_backoff`.
    var key: String
    /// The deprecated integer key, e.g. `initial_backoff_ms`.
    var deprecatedKey: String
    /// What one unit of the deprecated key's integer is.
    var deprecatedUnit: Duration
    var range: ClosedRange<Duration>
    /// Whether `0` is a valid value (`shutdown_grace: 0s`: cut attempts at once).
    var allowsZero = false

    static let initialBackoff = DurationSetting(
        key: "initial_backoff", deprecatedKey: "initial_backoff_ms", deprecatedUnit: .milliseconds(1), range: .milliseconds(1)...(.seconds(3600)))
    static let maxBackoff = DurationSetting(
        key: "max_backoff", deprecatedKey: "max_backoff_seconds", deprecatedUnit: .seconds(1), range: .seconds(1)...(.seconds(86_400)))
    static let maxAge = DurationSetting(
        key: "max_age", deprecatedKey: "max_age_seconds", deprecatedUnit: .seconds(1), range: .seconds(1)...(.seconds(365 * 86_400)))
    static let timeout = DurationSetting(
        key: "timeout", deprecatedKey: "timeout_seconds", deprecatedUnit: .seconds(1), range: .seconds(1)...(.seconds(3600)))
    static let circuitCoolDown = DurationSetting(
        key: "circuit_cool_down", deprecatedKey: "circuit_cool_down_seconds", deprecatedUnit: .seconds(1), range: .seconds(1)...(.seconds(86_400)))
    static let shutdownGrace = DurationSetting(
        key: "shutdown_grace", deprecatedKey: "shutdown_grace_seconds", deprecatedUnit: .seconds(1), range: .zero...(.seconds(3600)), allowsZero: true
    )
    // New with the PostgreSQL store; the integer spelling is read like the others', with the same warning.
    static let lease = DurationSetting(
        key: "lease", deprecatedKey: "lease_seconds", deprecatedUnit: .seconds(1), range: .seconds(2)...(.seconds(86_400)))
    static let leaseReapInterval = DurationSetting(
        key: "lease_reap_interval", deprecatedKey: "lease_reap_seconds", deprecatedUnit: .seconds(1), range: .seconds(1)...(.seconds(3600)))
    static let clockSkew = DurationSetting(
        key: "clock_skew", deprecatedKey: "clock_skew_seconds", deprecatedUnit: .seconds(1), range: .zero...(.seconds(3600)), allowsZero: true)
    static let expiryWarning = DurationSetting(
        key: "expiry_warning", deprecatedKey: "expiry_warning_days", deprecatedUnit: .seconds(86_400),
        range: .seconds(86_400)...(.seconds(365 * 86_400)))
    static let timestampLifetime = DurationSetting(
        key: "timestamp_lifetime", deprecatedKey: "timestamp_lifetime_seconds", deprecatedUnit: .seconds(1),
        range: .seconds(1)...(.seconds(86_400)))
}

import Foundation

/// Parses operator durations: a positive whole number followed by `ms`, `s`, `m`, `h` or `d`
/// (`250ms`, `30s`, `15m`, `2h`, `7d`). The command line (`--since`, `--older-than`) and the
/// configuration file (`delivery.max_backoff: 5m`) read durations the same way.
public enum HumanDuration {
    /// The duration, or an `OutboxError` with code `.badDuration`. `allowZero` also accepts
    /// `0`, `0s`, … (for settings where zero means "no wait").
    public static func parse(_ text: String, allowZero: Bool = false) throws(OutboxError) -> Duration {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if allowZero, let value = Int(trimmed), value == 0 { return .zero }
        guard let (digits, milliseconds) = split(trimmed) else {
            throw OutboxError(.badDuration, "bad duration '\(text)': expected a number followed by ms, s, m, h or d (e.g. 250ms, 30s, 15m, 2h, 7d)")
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let value = Int64(digits),
            value > 0 || (allowZero && value == 0), value <= Int64.max / milliseconds / 1000
        else {
            throw OutboxError(.badDuration, "bad duration '\(text)': expected a positive whole number followed by ms, s, m, h or d (e.g. 250ms, 30s, 15m, 2h, 7d)")
        }
        return .milliseconds(value * milliseconds)
    }

    /// The duration in whole seconds (`--since`, `--older-than`), or an `OutboxError` with code
    /// `.badDuration`; a millisecond value must be a whole number of seconds.
    public static func seconds(_ text: String) throws(OutboxError) -> Int64 {
        let duration = try parse(text)
        guard duration.components.attoseconds == 0 else {
            throw OutboxError(.badDuration, "bad duration '\(text)': expected whole seconds here (e.g. 30s, 15m, 2h, 7d)")
        }
        return duration.components.seconds
    }

    /// The number part and the unit's length in milliseconds; nil for an unknown unit.
    private static func split(_ text: String) -> (Substring, Int64)? {
        if text.hasSuffix("ms") { return (text.dropLast(2), 1) }
        guard let unit = text.last, let seconds = secondsPerUnit[unit] else { return nil }
        return (text.dropLast(), seconds * 1000)
    }

    private static let secondsPerUnit: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
}

extension HumanDuration {
    /// `duration` in the largest unit that holds it exactly: `500ms`, `30s`, `5m`, `24h`, `7d`
    /// (`0s` for zero). What ``parse(_:allowZero:)`` reads back to the same value.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds == 0 { return "0s" }
        if milliseconds % 1000 != 0 { return "\(milliseconds)ms" }
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60)] where seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }
}

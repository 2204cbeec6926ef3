import Foundation

/// Parses operator durations: a positive whole number followed by `s`, `m`, `h` or `d`
/// (`30s`, `15m`, `2h`, `7d`).
public enum HumanDuration {
    /// The duration in seconds, or an `OutboxError` with code `.badDuration`.
    public static func seconds(_ text: String) throws(OutboxError) -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let unit = trimmed.last, let multiplier = multipliers[unit] else {
            throw OutboxError(.badDuration, "bad duration '\(text)': expected a number followed by s, m, h or d (e.g. 30s, 15m, 2h, 7d)")
        }
        let digits = trimmed.dropLast()
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let value = Int64(digits), value > 0,
            value <= Int64.max / multiplier / 1000
        else {
            throw OutboxError(.badDuration, "bad duration '\(text)': expected a positive whole number followed by s, m, h or d (e.g. 30s, 15m, 2h, 7d)")
        }
        return value * multiplier
    }

    private static let multipliers: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
}

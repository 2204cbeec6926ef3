import Foundation

/// Times as the operator reads them: in the session's zone, with the zone's abbreviation, and
/// ages in words.
struct TimeDisplay: Sendable {
    let zone: TimeZone

    /// `2026-12-05 17:30:12 GMT+7`.
    func format(_ date: Date) -> String {
        var style = Date.VerbatimFormatStyle(
            format:
                "\(year: .defaultDigits)-\(month: .twoDigits)-\(day: .twoDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits)",
            timeZone: zone, calendar: Calendar(identifier: .gregorian))
        style.locale = Locale(identifier: "en_US_POSIX")
        return date.formatted(style) + " " + zoneLabel(at: date)
    }

    /// `GMT+7` style label of the zone at `date` (`UTC` for UTC).
    func zoneLabel(at date: Date) -> String {
        let offset = zone.secondsFromGMT(for: date)
        if offset == 0 { return "UTC" }
        let hours = abs(offset) / 3600
        let minutes = abs(offset) % 3600 / 60
        return "UTC" + (offset < 0 ? "−" : "+") + String(hours) + (minutes == 0 ? "" : String(format: ":%02d", minutes))
    }

    /// The value of an `<input type="datetime-local">` for `date` in the zone.
    func inputValue(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// Parses a `datetime-local` value (`2026-12-05T17:30`, seconds optional) as a time in the zone.
    func parseInput(_ text: String) -> Date? {
        let parts = text.split(whereSeparator: { "-T:".contains($0) }).compactMap { Int($0) }
        guard parts.count >= 5 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(
            from: DateComponents(
                year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4], second: parts.count > 5 ? parts[5] : 0))
    }

    /// `3 h 12 min`, `45 s`.
    static func age(_ seconds: Double) -> String {
        let s = Int(max(0, seconds))
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(s % 60) s" }
        if s < 86_400 { return "\(s / 3600) h \(s % 3600 / 60) min" }
        return "\(s / 86_400) d \(s % 86_400 / 3600) h"
    }
}

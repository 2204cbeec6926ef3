package import Foundation
import SWGateDomain
import SWGateXML

/// Helpers for writing XML as text, shared by the envelope builders here and the channels.
package enum XMLText {
    /// `text` escaped for element content and attribute values. Works on the UTF-8 bytes (the
    /// five characters escaped are ASCII, and UTF-8 never uses ASCII bytes inside a multi-byte
    /// sequence); text without any of them, the usual case, is returned as it is.
    package static func escape(_ text: String) -> String {
        var text = text
        let plain = text.withUTF8 { utf8 in !utf8.contains { $0 <= UInt8(ascii: ">") && escapes[Int($0)] != nil } }
        if plain { return text }
        return text.withUTF8 { utf8 -> String in
            var result = [UInt8]()
            result.reserveCapacity(utf8.count + 16)
            for byte in utf8 {
                if byte <= UInt8(ascii: ">"), let replacement = escapes[Int(byte)] {
                    result.append(contentsOf: replacement)
                } else {
                    result.append(byte)
                }
            }
            return String(decoding: result, as: UTF8.self)
        }
    }

    /// `text` escaped for element content as exclusive C14N writes it: `&`, `<`, `>` and CR. Text
    /// written this way is its own canonical form, so a message built from it can be hashed as it
    /// is written.
    package static func canonicalText(_ text: String) -> String {
        CanonicalEscaping.escaped(text, attribute: false)
    }

    /// `text` escaped for an attribute value as exclusive C14N writes it: `&`, `<`, `"`, TAB, LF, CR.
    package static func canonicalAttribute(_ text: String) -> String {
        CanonicalEscaping.escaped(text, attribute: true)
    }

    /// The replacement of each ASCII byte up to `>` that ``escape(_:)`` escapes.
    private static let escapes: [[UInt8]?] = (0...Int(UInt8(ascii: ">"))).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "&"): Array("&amp;".utf8)
        case UInt8(ascii: "<"): Array("&lt;".utf8)
        case UInt8(ascii: ">"): Array("&gt;".utf8)
        case UInt8(ascii: "\""): Array("&quot;".utf8)
        case UInt8(ascii: "'"): Array("&apos;".utf8)
        default: nil
        }
    }

    /// `document` without a UTF-8 byte order mark and XML declaration, so it can be embedded.
    /// Works on the UTF-8 bytes and decodes once (Foundation's `range(of:)` and
    /// `trimmingCharacters` went through UTF-16 and cost more than the C14N of the message).
    package static func embeddable(_ document: [UInt8]) -> String {
        String(decoding: embeddableBytes(document), as: UTF8.self)
    }

    /// ``embeddable(_:)`` as bytes, for building messages without decoding.
    package static func embeddableBytes(_ document: [UInt8]) -> ArraySlice<UInt8> {
        var bytes = document[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if bytes.starts(with: Array("<?xml".utf8)), let end = declarationEnd(in: bytes) { bytes = bytes[end...] }
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        while let first = bytes.first, isSpace(first) { bytes = bytes.dropFirst() }
        while let last = bytes.last, isSpace(last) { bytes = bytes.dropLast() }
        return bytes
    }

    /// The index just after the first `?>` in `bytes`.
    private static func declarationEnd(in bytes: ArraySlice<UInt8>) -> Int? {
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            if bytes[index] == 0x3F && bytes[index + 1] == 0x3E { return index + 2 }
            index += 1
        }
        return nil
    }

    /// The style ``dateTime(_:)`` writes, for years outside 0–9999.
    private static let foundationStyle = Date.ISO8601FormatStyle.iso8601.year().month().day().time(includingFractionalSeconds: true)
        .timeZone(separator: .omitted)

    /// `date` as an xs:dateTime in UTC with milliseconds (`2026-12-06T11:32:53.123Z`, the
    /// fraction truncated), written from the calendar arithmetic below: Foundation's ISO 8601
    /// format style cost ≈ 0.4 % of a Form D in the relay, for four timestamps.
    package static func dateTime(_ date: Date) -> String {
        // Whole seconds, then the fraction's milliseconds, as Foundation computes them.
        let instant = date.timeIntervalSince1970
        let whole = instant.rounded(.down)
        guard whole.magnitude < 1e15 else { return date.formatted(foundationStyle) }
        let seconds = Int64(whole)
        let fraction = min(999, Int64((instant - whole) * 1000))
        let (days, secondOfDay) = floorDivision(seconds, 86_400)
        let calendar = CalendarDate(dayNumber: Int(days))
        let (year, month, day) = (Int64(calendar.year), Int64(calendar.month), Int64(calendar.day))
        guard (0...9999).contains(year) else {
            return date.formatted(foundationStyle)
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(24)
        func digits(_ value: Int64, _ count: Int) {
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8((value / divisor) % 10))
                divisor /= 10
            }
        }
        digits(year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(day, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        bytes.append(UInt8(ascii: "."))
        digits(fraction, 3)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses an xs:dateTime with or without fractional seconds and with its zone: `Z`, or an
    /// offset `±hh:mm` (or `±hhmm`) up to 14 hours. Fields out of range (February 30th, 24:00,
    /// 11:60) and anything after the zone make it nil.
    ///
    /// Read from its bytes. Foundation's ISO 8601 parser, used before, read
    /// `…T12:00:00.5+07:00` as 12:00 UTC (ignoring the offset), rolled February 29th of a common
    /// year over into March and ignored text after the zone; it also cost ≈ 0.4 % of a Form D.
    package static func parseDateTime(_ text: String) -> Date? {
        parseUsualDateTime(text.trimmed)
    }

    /// `YYYY-MM-DDThh:mm:ss[.f…](Z|±hh:mm|±hhmm)` with valid fields; nil for anything else.
    static func parseUsualDateTime(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { utf8 -> Date? in
            var index = 0
            func number(_ count: Int) -> Int64? {
                guard index + count <= utf8.count else { return nil }
                var value: Int64 = 0
                for _ in 0..<count {
                    let byte = utf8[index]
                    guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
                    value = value * 10 + Int64(byte - UInt8(ascii: "0"))
                    index += 1
                }
                return value
            }
            func expect(_ character: Unicode.Scalar) -> Bool {
                guard index < utf8.count, utf8[index] == UInt8(ascii: character) else { return false }
                index += 1
                return true
            }
            guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2), expect("T"),
                let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2)
            else { return nil }
            guard (1...12).contains(month), day >= 1, day <= CalendarDate.daysInMonth(year: Int(year), month: Int(month)), hour < 24,
                minute < 60, second < 60
            else { return nil }
            var fraction = 0.0
            if expect(".") {
                var scale = 0.1
                let start = index
                while index < utf8.count, utf8[index] >= UInt8(ascii: "0"), utf8[index] <= UInt8(ascii: "9") {
                    fraction += Double(utf8[index] - UInt8(ascii: "0")) * scale
                    scale /= 10
                    index += 1
                }
                guard index > start else { return nil }
            }
            var offsetSeconds: Int64 = 0
            if expect("Z") {
            } else if index < utf8.count, utf8[index] == UInt8(ascii: "+") || utf8[index] == UInt8(ascii: "-") {
                let sign: Int64 = utf8[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
                guard let hours = number(2) else { return nil }
                _ = expect(":")
                guard let minutes = number(2), hours <= 14, minutes < 60 else { return nil }
                offsetSeconds = sign * (hours * 3600 + minutes * 60)
            } else {
                return nil
            }
            guard index == utf8.count else { return nil }
            let days = Int64(CalendarDate(year: Int(year), month: Int(month), day: Int(day)).dayNumber)
            let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
            return Date(timeIntervalSince1970: Double(seconds) + fraction)
        }
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = value >= 0 ? value / divisor : (value - divisor + 1) / divisor
        return (quotient, value - quotient * divisor)
    }
}

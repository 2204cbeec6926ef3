import SWGateXML

extension LicenceRules {
    /// Line numbers 1..n, HS code shape, quantities above zero, units from the code table.
    func checkGoodsLines(_ licence: XMLElement, _ findings: inout RuleFindings) {
        for (index, line) in licence.children("GoodsLine").enumerated() {
            // A number below 1 is the schema's to report (xs:positiveInteger).
            if let number = line.child("LineNumber"), let value = Int(number.text.xmlTrimmed), value >= 1, value != index + 1 {
                findings.fail(
                    .licenceLineNumbers, at: number,
                    "goods line number \(value) is out of sequence: lines are numbered 1 to n, expected \(index + 1)")
            }
            if let hsCode = line.child("HSCode") {
                for problem in HSCodeShape.problems(hsCode.text.xmlTrimmed) {
                    findings.fail(.licenceHSCode, at: hsCode, problem)
                }
            }
            if let quantity = line.child("Quantity") {
                let text = quantity.text.xmlTrimmed
                if let sign = Self.decimalSign(text), sign <= 0 {
                    findings.fail(.licenceQuantity, at: quantity, "quantity \(text) is not greater than zero")
                }
            }
            if let unit = line.child("Unit") {
                let code = unit.text.xmlTrimmed
                if Self.isUnitShaped(code), !LicenceUnits.contains(code) {
                    findings.fail(
                        .licenceUnit, at: unit,
                        "unit '\(code)' is not in the licence unit code table (\(LicenceUnits.codes.keys.sorted().joined(separator: " ")))")
                }
            }
        }
    }

    /// The sign (-1, 0 or 1) of an `xs:decimal` written `[+-]?(digits[.digits]|.digits)`, or nil
    /// when `text` is not one (the schema reports that). Exact: no floating point.
    static func decimalSign(_ text: String) -> Int? {
        var bytes = Substring(text).utf8[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var digits = 0
        var points = 0
        var nonZero = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0"): digits += 1
            case UInt8(ascii: "1")...UInt8(ascii: "9"):
                digits += 1
                nonZero = true
            case UInt8(ascii: "."): points += 1
            default: return nil
            }
        }
        guard digits > 0, points <= 1 else { return nil }
        return nonZero ? (negative ? -1 : 1) : 0
    }

    /// Whether `code` has the schema's unit shape (`[A-Z0-9]{2,3}`); other values are the schema's to report.
    static func isUnitShaped(_ code: String) -> Bool {
        (2...3).contains(code.utf8.count)
            && code.utf8.allSatisfy { ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }
    }
}

public import SWGateXML

/// The business rules of an import/export licence that a schema cannot express.
///
/// As with ``FormDRules``, rules read the tree defensively: an element that is missing or
/// malformed is the schema's to report, so a rule that depends on it is skipped rather than
/// reported twice. Every rule runs, and every failure is reported with its rule id, path,
/// line and column.
public struct LicenceRules: Sendable {
    /// The day against which "not in the future" and "not expired" are judged (the validator's clock).
    public var today: CalendarDate
    /// Days of tolerance for an issue date ahead of `today` (time zones), as for Form D.
    public var futureToleranceDays: Int = 1

    public init(today: CalendarDate) {
        self.today = today
    }

    /// Checks `licence` (a `Licence` element) and returns every failure.
    public func check(_ licence: XMLElement) -> [ValidationIssue] {
        var findings = RuleFindings()
        checkValidity(licence, &findings)
        checkGoodsLines(licence, &findings)
        checkReplacement(licence, &findings)
        return findings.issues
    }
}

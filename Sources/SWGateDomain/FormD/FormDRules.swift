public import SWGateXML

/// The business rules of ATIGA Form D that a schema cannot express (docs/validation-rules.md).
///
/// Rules read the tree defensively: an element that is missing or malformed is the schema's
/// to report, so a rule that depends on it is skipped rather than reported twice. Every rule
/// runs, and every failure is reported with its rule id, path, line and column.
public struct FormDRules: Sendable {
    /// The day against which "not in the future" is judged (the validator's clock).
    public var today: CalendarDate
    /// Days of tolerance for an issue date ahead of `today` (time zones across ASEAN).
    public var futureToleranceDays: Int = 1

    public init(today: CalendarDate) {
        self.today = today
    }

    /// Checks `formD` (a `FormD` element) and returns every failure.
    public func check(_ formD: XMLElement) -> [ValidationIssue] {
        var findings = RuleFindings()
        checkCountries(formD, &findings)
        checkDates(formD, &findings)
        checkItems(formD, &findings)
        checkReplacement(formD, &findings)
        checkBox13(formD, &findings)
        checkOfficialUse(formD, &findings)
        return findings.issues
    }
}

import SWGateXML

/// Collects the failures found by the business rules, each located at an element.
struct RuleFindings {
    private(set) var issues: [ValidationIssue] = []

    mutating func fail(_ rule: RuleID, at element: XMLElement, _ message: String) {
        issues.append(
            ValidationIssue(rule: rule, message: message, path: element.path, line: element.line, column: element.column))
    }
}

extension XMLElement {
    /// Trimmed text of the child `name` (same namespace), or nil when absent.
    func value(_ name: String) -> String? {
        child(name).map { $0.text.xmlTrimmed }
    }

    /// The child `name` parsed as a date, or nil when absent or not a date (the schema reports that).
    func date(_ name: String) -> (CalendarDate, XMLElement)? {
        guard let element = child(name), let date = CalendarDate(element.text) else { return nil }
        return (date, element)
    }

    /// An `xs:boolean` child, false when absent.
    func flag(_ name: String) -> Bool {
        guard let text = value(name) else { return false }
        return text == "true" || text == "1"
    }
}

import Foundation
public import SWGateXML

/// Validates a Form D or an NSW envelope: hardened parsing, the W3C schema, then the business
/// rules. Every failure is reported, with rule id, path, line and column.
///
/// A value type over shared compiled schemas: use one from any number of tasks.
public struct DocumentValidator: Sendable {
    public var schemas: SchemaCatalog
    public var limits: XMLLimits

    public init(schemas: SchemaCatalog, limits: XMLLimits = .default) {
        self.schemas = schemas
        self.limits = limits
    }

    /// A validator over the bundled schemas.
    public static func standard(limits: XMLLimits = .default) throws(XMLError) -> DocumentValidator {
        DocumentValidator(schemas: try SchemaCatalog.shared(), limits: limits)
    }

    /// Parses and validates `bytes`. `today` is the day against which dates are judged.
    public func validate(_ bytes: [UInt8], today: CalendarDate = .today()) -> ValidationReport {
        let document: XMLDocument
        do {
            // The tree is checked and dropped: whitespace between elements is not needed.
            document = try XMLDocument(bytes: bytes, limits: limits, keepIgnorableWhitespace: false)
        } catch {
            return ValidationReport(
                kind: .unknown,
                issues: [ValidationIssue(rule: RuleID(error.code.rawValue), message: error.message, line: error.line, column: error.column)])
        }
        return validate(document, today: today)
    }

    /// Validates an already parsed document.
    public func validate(_ document: XMLDocument, today: CalendarDate = .today()) -> ValidationReport {
        let root = document.root
        let rules = FormDRules(today: today)
        if root.isNamed("FormD", namespace: Namespace.formD) {
            let issues = schemaIssues(schemas.formD, document) + rules.check(root)
            return ValidationReport(kind: .formD, issues: sorted(issues))
        }
        if root.isNamed("Envelope", namespace: Namespace.nswEnvelope) {
            var issues = schemaIssues(schemas.nswEnvelope, document) + EnvelopeRules().check(root)
            if let formD = root.child("Body")?.child("Content")?.child("FormD", namespace: .some(Namespace.formD)) {
                issues += rules.check(formD)
            }
            return ValidationReport(kind: .nswEnvelope, issues: sorted(issues))
        }
        return ValidationReport(kind: .unknown, issues: [rootIssue(root)])
    }

    private func schemaIssues(_ schema: XMLSchema, _ document: XMLDocument) -> [ValidationIssue] {
        schema.validate(document).map {
            ValidationIssue(rule: .schema, message: $0.message, path: $0.path, line: $0.line, column: $0.column)
        }
    }

    private func rootIssue(_ root: XMLElement) -> ValidationIssue {
        let found = root.namespaceURI.map { "'\(root.localName)' in namespace '\($0)'" } ?? "'\(root.localName)' in no namespace"
        let expectation = "expected FormD in '\(Namespace.formD)' or Envelope in '\(Namespace.nswEnvelope)'"
        let rule: RuleID = (root.localName == "FormD" || root.localName == "Envelope") ? .wrongNamespace : .wrongRoot
        return ValidationIssue(
            rule: rule, message: "root element is \(found); \(expectation)", path: root.path, line: root.line, column: root.column)
    }

    private func sorted(_ issues: [ValidationIssue]) -> [ValidationIssue] {
        issues.enumerated().sorted { lhs, rhs in
            let l = lhs.element
            let r = rhs.element
            if l.line != r.line { return l.line < r.line }
            if l.column != r.column { return l.column < r.column }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }
}

extension CalendarDate {
    /// Today in UTC.
    public static func today() -> CalendarDate {
        CalendarDate(dayNumber: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)))
    }
}

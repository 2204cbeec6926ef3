import Foundation
public import SWGateXML

/// Validates a business document of any registered profile (``DocumentProfiles``) or an NSW
/// envelope carrying one: hardened parsing, the W3C schema, then the business rules. Every
/// failure is reported, with rule id, path, line and column.
///
/// A value type over shared compiled schemas: use one from any number of tasks.
public struct DocumentValidator: Sendable {
    public var schemas: SchemaCatalog
    public var profiles: DocumentProfiles
    public var limits: XMLLimits

    /// `profiles` defaults to the standard ones over `schemas` (Form D, licence).
    public init(schemas: SchemaCatalog, profiles: DocumentProfiles? = nil, limits: XMLLimits = .default) {
        self.schemas = schemas
        self.profiles = profiles ?? .standard(schemas)
        self.limits = limits
    }

    /// A validator over the schemas compiled into the program and the standard profiles.
    public static func standard(limits: XMLLimits = .default) throws(XMLError) -> DocumentValidator {
        DocumentValidator(schemas: try SchemaCatalog.shared(), limits: limits)
    }

    /// This validator with `profile` registered beside its profiles.
    public func registering(_ profile: DocumentProfile) -> DocumentValidator {
        var copy = self
        copy.profiles = profiles.registering(profile)
        return copy
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
        if let profile = profiles.profile(for: root) {
            let issues = profile.issues(root, in: document, today: today)
            return ValidationReport(
                kind: ValidationReport.DocumentKind(profile.documentType), issues: sorted(issues),
                summary: issues.isEmpty ? profile.summarize(root) : nil)
        }
        if root.isNamed("Envelope", namespace: Namespace.nswEnvelope) {
            var issues = schemaIssues(schemas.nswEnvelope, document) + EnvelopeRules(profiles: profiles).check(root)
            var summary: DocumentSummary?
            if let content = root.child("Body")?.child("Content")?.children.first,
                !content.isNamed("Acknowledgement", namespace: Namespace.nswEnvelope)
            {
                if let profile = profiles.profile(for: content) {
                    let contentIssues = profile.issues(content, in: document, today: today)
                    issues += contentIssues
                    summary = contentIssues.isEmpty ? profile.summarize(content) : nil
                } else {
                    issues.append(rootIssue(content, context: "the envelope's Content holds"))
                }
            }
            return ValidationReport(kind: .nswEnvelope, issues: sorted(issues), summary: issues.isEmpty ? summary : nil)
        }
        return ValidationReport(kind: .unknown, issues: [rootIssue(root, context: "root element is")])
    }

    private func schemaIssues(_ schema: XMLSchema, _ document: XMLDocument) -> [ValidationIssue] {
        schema.validate(document).map {
            ValidationIssue(rule: .schema, message: $0.message, path: $0.path, line: $0.line, column: $0.column)
        }
    }

    private func rootIssue(_ element: XMLElement, context: String) -> ValidationIssue {
        let found =
            element.namespaceURI.map { "'\(element.localName)' in namespace '\($0)'" } ?? "'\(element.localName)' in no namespace"
        let expected = element.isRoot ? profiles.expectation + ", or Envelope in '\(Namespace.nswEnvelope)'" : profiles.expectation
        let knownName = profiles.all.contains { $0.rootElement == element.localName } || (element.isRoot && element.localName == "Envelope")
        return ValidationIssue(
            rule: knownName ? .wrongNamespace : .wrongRoot, message: "\(context) \(found); expected \(expected)", path: element.path,
            line: element.line, column: element.column)
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

import Foundation
import SWGateTesting
import SWGateXML

@testable import SWGateDomain

/// Checks licences as the gateway will: hardened parsing, `Schemas/import-export-licence.xsd`
/// (compiled from the repository, located from this file), then ``LicenceRules``.
struct LicenceChecker {
    /// The licence schema, compiled once for all licence tests.
    static let schema: Result<XMLSchema, XMLError> = Result { () throws(XMLError) in
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try XMLSchema(path: repository.appendingPathComponent("Schemas/import-export-licence.xsd").path)
    }

    let schema: XMLSchema

    init() throws {
        schema = try Self.schema.get()
    }

    /// Every issue in `bytes`: schema violations (rule `XSD`) then business rules.
    func issues(_ bytes: [UInt8], today: CalendarDate = fixtureDay) throws -> [ValidationIssue] {
        let document = try XMLDocument(bytes: bytes, keepIgnorableWhitespace: false)
        let schemaIssues = schema.validate(document).map {
            ValidationIssue(rule: .schema, message: $0.message, path: $0.path, line: $0.line, column: $0.column)
        }
        return schemaIssues + LicenceRules(today: today).check(document.root)
    }

    /// The rule ids `text` breaks, in the order found.
    func rules(_ text: String, today: CalendarDate = fixtureDay) throws -> [RuleID] {
        try issues(Array(text.utf8), today: today).map(\.rule)
    }
}

/// `text` with each `old` replaced by `new` (once), expecting each `old` to be there.
func edited(_ text: String, _ edits: [(String, String)]) -> String {
    var text = text
    for (old, new) in edits {
        precondition(text.contains(old), "fixture lacks \(old)")
        text = text.replacingOccurrences(of: old, with: new)
    }
    return text
}

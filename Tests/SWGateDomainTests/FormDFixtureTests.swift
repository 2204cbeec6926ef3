import Foundation
import SWGateTesting
import Testing

@testable import SWGateDomain

/// The day the fixtures are judged on, so that results do not depend on the calendar.
let fixtureDay = CalendarDate(year: 2026, month: 11, day: 21)

@Suite("Form D fixtures")
struct FormDFixtureTests {
    let validator: DocumentValidator

    init() throws {
        validator = try DocumentValidator.standard()
    }

    @Test("Every valid fixture passes schema and rules", arguments: Fixtures.xmlFiles(in: "valid"))
    func validFixture(_ name: String) throws {
        let report = validator.validate(try Fixtures.bytes("valid/\(name)"), today: fixtureDay)
        #expect(report.issues == [], "\(name)")
        #expect(report.kind == (name.hasPrefix("nsw-") ? .nswEnvelope : .formD))
    }

    @Test("Each invalid fixture breaks exactly the rule it is named after", arguments: Fixtures.xmlFiles(in: "invalid"))
    func invalidFixture(_ name: String) throws {
        let rule = RuleID(String(name.dropLast(4)))
        let report = validator.validate(try Fixtures.bytes("invalid/\(name)"), today: fixtureDay)
        #expect(!report.isValid)
        #expect(Set(report.issues.map(\.rule)) == [rule], "\(report.issues)")
        for issue in report.issues {
            #expect(issue.line > 0 && issue.column > 0, "\(issue)")
            #expect(issue.path.hasPrefix("/"), "\(issue)")
            #expect(!issue.message.isEmpty)
        }
    }

    @Test("Every rule in the catalogue has an invalid fixture")
    func catalogueIsCovered() {
        let fixtures = Set(Fixtures.xmlFiles(in: "invalid").map { RuleID(String($0.dropLast(4))) })
        #expect(Set(RuleID.catalogue) == fixtures)
    }

    @Test("Hostile inputs are refused as documents, with the parser's rule")
    func hostile() throws {
        let expectations: [(String, String)] = [
            ("xxe-file.xml", "XML-DTD-FORBIDDEN"), ("xxe-network.xml", "XML-DTD-FORBIDDEN"),
            ("billion-laughs.xml", "XML-DTD-FORBIDDEN"), ("external-dtd.xml", "XML-DTD-FORBIDDEN"),
            ("parameter-entity.xml", "XML-DTD-FORBIDDEN"), ("not-xml.json", "XML-MALFORMED"),
            ("unclosed-tag.xml", "XML-MALFORMED"),
        ]
        for (file, rule) in expectations {
            let report = validator.validate(try Fixtures.bytes("hostile/\(file)"), today: fixtureDay)
            #expect(report.kind == .unknown)
            #expect(report.issues.map(\.rule.rawValue) == [rule], "\(file)")
        }
    }

    @Test("A document with many problems gets every one reported, in document order")
    func everyFailureIsReported() throws {
        var text = try Fixtures.text("valid/formd-single-item.xml")
        for (old, new) in [
            ("<ImportingCountry>TH</ImportingCountry>", "<ImportingCountry>CN</ImportingCountry>"),
            ("<ItemNumber>1</ItemNumber>", "<ItemNumber>3</ItemNumber>"),
            ("<HSCode>03061711</HSCode>", "<HSCode>77061711</HSCode>"),
            ("<Date>2026-03-05</Date>", "<Date>2026-04-05</Date>"),
            ("<Mode>SEA</Mode>", "<Mode>BOAT</Mode>"),
        ] {
            text = text.replacingOccurrences(of: old, with: new)
        }
        let report = validator.validate(Array(text.utf8), today: fixtureDay)
        let rules = report.issues.map(\.rule)
        #expect(
            rules == [.countryASEAN, .consigneeCountry, .schema, .itemNumbers, .hsCode, .invoiceDate],
            "\(report.issues.map { "\($0.line): \($0.rule)" })")
        #expect(report.issues.map(\.line) == report.issues.map(\.line).sorted())
    }
}

import Foundation
import SWGateTesting
import Testing

@testable import SWGateDomain

@Suite("Import/export licence fixtures")
struct LicenceFixtureTests {
    let checker: LicenceChecker

    init() throws {
        checker = try LicenceChecker()
    }

    @Test("There are valid licence fixtures: an ISSUE, an AMEND and a REVOKE")
    func validFixturesExist() {
        #expect(Fixtures.xmlFiles(in: "licence/valid") == ["licence-amendment.xml", "licence-export-precursors.xml", "licence-revocation.xml"])
    }

    @Test("Every valid licence fixture passes schema and rules", arguments: Fixtures.xmlFiles(in: "licence/valid"))
    func validFixture(_ name: String) throws {
        let issues = try checker.issues(try Fixtures.bytes("licence/valid/\(name)"))
        #expect(issues == [], "\(name)")
    }

    @Test("Valid licence fixtures stay valid for years: today's date is not what makes them pass", arguments: Fixtures.xmlFiles(in: "licence/valid"))
    func validFixtureLater(_ name: String) throws {
        let later = CalendarDate(year: 2029, month: 12, day: 31)
        #expect(try checker.issues(try Fixtures.bytes("licence/valid/\(name)"), today: later) == [], "\(name)")
    }

    @Test("Each invalid licence fixture breaks exactly the rule it is named after", arguments: Fixtures.xmlFiles(in: "licence/invalid"))
    func invalidFixture(_ name: String) throws {
        let rule = RuleID(String(name.dropLast(4)))
        let issues = try checker.issues(try Fixtures.bytes("licence/invalid/\(name)"))
        #expect(!issues.isEmpty)
        #expect(Set(issues.map(\.rule)) == [rule], "\(issues)")
        for issue in issues {
            #expect(issue.line > 0 && issue.column > 0, "\(issue)")
            #expect(issue.path.hasPrefix("/Licence"), "\(issue)")
            #expect(!issue.message.isEmpty)
        }
    }

    @Test("Every licence rule has an invalid fixture, and so does the schema")
    func catalogueIsCovered() {
        let fixtures = Set(Fixtures.xmlFiles(in: "licence/invalid").map { RuleID(String($0.dropLast(4))) })
        #expect(Set(RuleID.licenceCatalogue + [.schema]) == fixtures)
        #expect(RuleID.licenceCatalogue.allSatisfy { $0.rawValue.hasPrefix("LIC-") })
        #expect(Set(RuleID.licenceCatalogue).count == RuleID.licenceCatalogue.count)
        #expect(Set(RuleID.licenceCatalogue).isDisjoint(with: RuleID.catalogue))
    }

    @Test("A licence with many problems gets every one reported")
    func everyFailureIsReported() throws {
        let text = edited(
            try Fixtures.text("licence/valid/licence-export-precursors.xml"),
            [
                ("<LineNumber>2</LineNumber>", "<LineNumber>5</LineNumber>"),
                ("<HSCode>29143100</HSCode>", "<HSCode>77143100</HSCode>"),
                ("<Quantity>4000.000</Quantity>", "<Quantity>-4000</Quantity>"),
                ("<Unit>LTR</Unit>", "<Unit>BBL</Unit>"),
                ("<LicenceType>EXPORT</LicenceType>", "<LicenceType>TRANSIT</LicenceType>"),
            ])
        let rules = try checker.rules(text)
        #expect(Set(rules) == [.schema, .licenceHSCode, .licenceQuantity, .licenceLineNumbers, .licenceUnit], "\(rules)")
        #expect(rules.count == 5)
    }
}

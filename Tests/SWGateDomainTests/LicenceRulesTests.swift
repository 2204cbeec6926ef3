import Foundation
import SWGateTesting
import SWGateXML
import Testing

@testable import SWGateDomain

@Suite("Import/export licence business rules")
struct LicenceRulesTests {
    let checker: LicenceChecker

    init() throws {
        checker = try LicenceChecker()
    }

    /// The rules broken by the ISSUE fixture after `edits`.
    func rules(after edits: [(String, String)], today: CalendarDate = fixtureDay) throws -> [RuleID] {
        try checker.rules(edited(try Fixtures.text("licence/valid/licence-export-precursors.xml"), edits), today: today)
    }

    /// The rules broken by the AMEND fixture after `edits`.
    func amendmentRules(after edits: [(String, String)], today: CalendarDate = fixtureDay) throws -> [RuleID] {
        try checker.rules(edited(try Fixtures.text("licence/valid/licence-amendment.xml"), edits), today: today)
    }

    @Test("HS codes: odd length and non-existent chapters are refused; 6, 10 and 12 digits pass")
    func hsCodes() throws {
        let code = "<HSCode>29143100</HSCode>"
        #expect(try rules(after: [(code, "<HSCode>77143100</HSCode>")]) == [.licenceHSCode])
        #expect(try rules(after: [(code, "<HSCode>00143100</HSCode>")]) == [.licenceHSCode])
        #expect(try rules(after: [(code, "<HSCode>98143100</HSCode>")]) == [.licenceHSCode])
        #expect(try rules(after: [(code, "<HSCode>291431001</HSCode>")]) == [.licenceHSCode])
        #expect(try rules(after: [(code, "<HSCode>7714310</HSCode>")]) == [.licenceHSCode, .licenceHSCode])
        #expect(try rules(after: [(code, "<HSCode>291431</HSCode>")]) == [])
        #expect(try rules(after: [(code, "<HSCode>2914310000</HSCode>")]) == [])
        #expect(try rules(after: [(code, "<HSCode>291431000000</HSCode>")]) == [])
        #expect(try rules(after: [(code, "<HSCode>29143</HSCode>")]) == [.schema])
    }

    @Test("Quantities are greater than zero; a malformed quantity is the schema's to report")
    func quantities() throws {
        let quantity = "<Quantity>20000</Quantity>"
        for bad in ["0", "-1", "0.0000", "+0", "-0.5", "000"] {
            #expect(try rules(after: [(quantity, "<Quantity>\(bad)</Quantity>")]) == [.licenceQuantity], "\(bad)")
        }
        for good in ["0.0001", "+12", "1", ".5", "7."] {
            #expect(try rules(after: [(quantity, "<Quantity>\(good)</Quantity>")]) == [], "\(good)")
        }
        for malformed in ["twenty", "1e3", "", "1.2.3", "0.00001"] {
            #expect(try rules(after: [(quantity, "<Quantity>\(malformed)</Quantity>")]) == [.schema], "\(malformed)")
        }
    }

    @Test("Decimal signs are read exactly, without floating point")
    func decimalSigns() {
        #expect(LicenceRules.decimalSign("0.000000000000000001") == 1)
        #expect(LicenceRules.decimalSign("-0.0") == 0)
        #expect(LicenceRules.decimalSign("-3") == -1)
        #expect(LicenceRules.decimalSign("+.1") == 1)
        #expect(LicenceRules.decimalSign(".") == nil)
        #expect(LicenceRules.decimalSign("+") == nil)
        #expect(LicenceRules.decimalSign("1e3") == nil)
        #expect(LicenceRules.decimalSign("0x1p3") == nil)
        #expect(LicenceRules.decimalSign("١٢") == nil)
    }

    @Test("Units come from the licence unit code table; a malformed unit is the schema's to report")
    func units() throws {
        let unit = "<Unit>LTR</Unit>"
        for code in LicenceUnits.codes.keys.sorted() {
            #expect(try rules(after: [(unit, "<Unit>\(code)</Unit>")]) == [], "\(code)")
        }
        #expect(Set(LicenceUnits.codes.keys) == ["KGM", "TNE", "GRM", "LTR", "MLT", "MTQ", "C62", "NAR"])
        for code in ["GLL", "BBL", "H87", "LB"] {
            #expect(try rules(after: [(unit, "<Unit>\(code)</Unit>")]) == [.licenceUnit], "\(code)")
        }
        for code in ["ltr", "L", "LITRE"] {
            #expect(try rules(after: [(unit, "<Unit>\(code)</Unit>")]) == [.schema], "\(code)")
        }
    }

    @Test("Goods lines are numbered 1 to n")
    func lineNumbers() throws {
        #expect(try rules(after: [("<LineNumber>1</LineNumber>", "<LineNumber>2</LineNumber>")]) == [.licenceLineNumbers])
        #expect(try rules(after: [("<LineNumber>2</LineNumber>", "<LineNumber>1</LineNumber>")]) == [.licenceLineNumbers])
        #expect(try rules(after: [("<LineNumber>2</LineNumber>", "<LineNumber>0</LineNumber>")]) == [.schema])
    }

    @Test("Validity: ValidTo not before ValidFrom; a one-day licence passes")
    func validityOrder() throws {
        let validTo = "<ValidTo>2030-12-31</ValidTo>"
        let issueDay = CalendarDate(year: 2026, month: 10, day: 15)
        #expect(try rules(after: [(validTo, "<ValidTo>2026-10-15</ValidTo>")], today: issueDay) == [])
        let dayBeforeIssue = CalendarDate(year: 2026, month: 10, day: 14)
        #expect(try rules(after: [(validTo, "<ValidTo>2026-10-14</ValidTo>")], today: dayBeforeIssue) == [.licenceValidityOrder])
        #expect(try rules(after: [(validTo, "<ValidTo>2030-02-30</ValidTo>")]) == [.schema])
    }

    @Test("Validity: a licence issued now is not already expired; amendments and revocations may concern expired ones")
    func validityPast() throws {
        let validTo = "<ValidTo>2030-12-31</ValidTo>"
        #expect(try rules(after: [(validTo, "<ValidTo>2026-11-21</ValidTo>")]) == [])
        #expect(try rules(after: [(validTo, "<ValidTo>2026-11-20</ValidTo>")]) == [.licenceValidityPast])
        #expect(try rules(after: [], today: CalendarDate(year: 2031, month: 1, day: 1)) == [.licenceValidityPast])
        // Before ValidFrom and expired: both rules, at the same element.
        #expect(try rules(after: [(validTo, "<ValidTo>2026-10-01</ValidTo>")]) == [.licenceValidityOrder, .licenceValidityPast])
        #expect(try amendmentRules(after: [], today: CalendarDate(year: 2031, month: 1, day: 1)) == [])
        let revocation = try Fixtures.text("licence/valid/licence-revocation.xml")
        #expect(try checker.rules(revocation, today: CalendarDate(year: 2031, month: 1, day: 1)) == [])
    }

    @Test("Issue date: a day of tolerance for time zones, not more")
    func futureIssueDate() throws {
        #expect(try rules(after: [], today: CalendarDate(year: 2026, month: 10, day: 14)) == [])
        #expect(try rules(after: [], today: CalendarDate(year: 2026, month: 10, day: 13)) == [.licenceIssueDateFuture])
    }

    @Test("Replacements name a different, earlier predecessor; an ISSUE names none")
    func replacements() throws {
        #expect(try amendmentRules(after: []) == [])
        #expect(try amendmentRules(after: [("<Function>AMEND</Function>", "<Function>ISSUE</Function>")]) == [.licenceReplacement])
        #expect(try amendmentRules(after: [("<Function>AMEND</Function>", "<Function>REVOKE</Function>")]) == [])
        #expect(try amendmentRules(after: [("<Function>AMEND</Function>", "<Function>CANCEL</Function>")]) == [.schema])
        let predecessor = "<LicenceNumber>BCT-GP 2026/XK-000457</LicenceNumber>"
        let itself = "<LicenceNumber>BCT-GP 2026/XK-000457-A1</LicenceNumber>"
        #expect(try amendmentRules(after: [(predecessor, itself)]) == [.licenceReplacement])
        #expect(
            try amendmentRules(after: [("<IssueDate>2026-10-15</IssueDate>\n    <Reason>", "<IssueDate>2026-11-03</IssueDate>\n    <Reason>")])
                == [.licenceReplacement])
        #expect(try rules(after: [("<Function>ISSUE</Function>", "<Function>AMEND</Function>")]) == [.licenceReplacement])
        #expect(try rules(after: [("<Function>ISSUE</Function>", "<Function>REVOKE</Function>")]) == [.licenceReplacement])
        #expect(
            try rules(after: [
                (
                    "<Function>ISSUE</Function>",
                    "<Function>ISSUE</Function>\n  <Replaces><LicenceNumber>BCT-GP 2025/XK-000001</LicenceNumber><IssueDate>2025-01-02</IssueDate></Replaces>"
                )
            ]) == [.licenceReplacement])
    }

    @Test("The summary reads the fields routing needs")
    func summary() throws {
        let issue = try #require(LicenceSummary(try XMLDocument(string: try Fixtures.text("licence/valid/licence-export-precursors.xml")).root))
        #expect(issue.licenceNumber == "BCT-GP 2026/XK-000457")
        #expect(issue.function == .issue)
        #expect(issue.replaces == nil)
        #expect(issue.conversationReference == "BCT-GP 2026/XK-000457")
        #expect(issue.licenceType == .export)
        #expect(issue.issuingCountry == "VN")
        #expect(issue.issueDate == "2026-10-15")
        #expect(issue.documentYear == "2026")
        #expect(issue.holderTaxId == "3600254987")
        #expect(issue.validFrom == "2026-10-15")
        #expect(issue.validTo == "2030-12-31")
        #expect(issue.countriesOfOrigin == ["VN"])
        #expect(issue.countriesOfDestination == ["TH", "MY"])

        let amendment = try #require(LicenceSummary(try XMLDocument(string: try Fixtures.text("licence/valid/licence-amendment.xml")).root))
        #expect(amendment.function == .amend)
        #expect(amendment.replaces == "BCT-GP 2026/XK-000457")
        #expect(amendment.conversationReference == "BCT-GP 2026/XK-000457")

        let revocation = try #require(LicenceSummary(try XMLDocument(string: try Fixtures.text("licence/valid/licence-revocation.xml")).root))
        #expect(revocation.function == .revoke)
        #expect(revocation.licenceType == .import)
        #expect(revocation.countriesOfOrigin == ["KR"])
        #expect(revocation.countriesOfDestination == [])

        let formD = try XMLDocument(string: try Fixtures.text("valid/formd-single-item.xml"))
        #expect(LicenceSummary(formD.root) == nil)
        let otherNamespace = try Fixtures.text("licence/valid/licence-export-precursors.xml")
            .replacingOccurrences(of: "urn:swgate:licence:1", with: "urn:example:licence")
        #expect(LicenceSummary(try XMLDocument(string: otherNamespace).root) == nil)
        let noTaxId = edited(try Fixtures.text("licence/valid/licence-export-precursors.xml"), [("<TaxId>3600254987</TaxId>", "")])
        #expect(LicenceSummary(try XMLDocument(string: noTaxId).root) == nil)
        #expect(try checker.rules(noTaxId) == [.schema])
    }

    @Test("The licence namespace is the schema's target namespace")
    func namespace() throws {
        let schemaText = try String(contentsOfFile: checker.schema.path, encoding: .utf8)
        #expect(schemaText.contains("targetNamespace=\"\(Namespace.licence)\""))
        #expect(Namespace.licence == "urn:swgate:licence:1")
    }
}

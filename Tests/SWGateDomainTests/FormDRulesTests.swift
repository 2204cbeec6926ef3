import Foundation
import SWGateTesting
import SWGateXML
import Testing

@testable import SWGateDomain

@Suite("Form D business rules")
struct FormDRulesTests {
    let validator: DocumentValidator

    init() throws {
        validator = try DocumentValidator.standard()
    }

    /// Validates the single-item fixture after replacing `old` with `new`.
    func rules(after edits: [(String, String)], today: CalendarDate = fixtureDay) throws -> [RuleID] {
        var text = try Fixtures.text("valid/formd-single-item.xml")
        for (old, new) in edits {
            #expect(text.contains(old), "fixture lacks \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return validator.validate(Array(text.utf8), today: today).issues.map(\.rule)
    }

    @Test("HS codes: odd length and non-existent chapters are refused; 6, 10 and 12 digits pass")
    func hsCodes() throws {
        #expect(try rules(after: [("03061711", "77061711")]) == [.hsCode])
        #expect(try rules(after: [("03061711", "00061711")]) == [.hsCode])
        #expect(try rules(after: [("03061711", "98061711")]) == [.hsCode])
        #expect(try rules(after: [("03061711", "030617119")]) == [.hsCode])
        #expect(try rules(after: [("03061711", "030617")]) == [])
        #expect(try rules(after: [("03061711", "0306171100")]) == [])
        #expect(try rules(after: [("03061711", "030617110000")]) == [])
        #expect(try rules(after: [("03061711", "03061")]) == [.schema])
    }

    @Test("RVC needs a percentage of at least 40 and a positive FOB value; other criteria carry no percentage")
    func regionalValueContent() throws {
        let rvc = ("<OriginCriterion>WO</OriginCriterion>", "<OriginCriterion>RVC</OriginCriterion>")
        let fob = ("</Quantity>", "</Quantity>\n    <FobValue currency=\"USD\">100.5</FobValue>")
        #expect(try rules(after: [rvc, fob]) == [.rvcPercentage])
        #expect(try rules(after: [("<OriginCriterion>WO</OriginCriterion>", "<OriginCriterion>RVC</OriginCriterion><RvcPercentage>40</RvcPercentage>"), fob]) == [])
        #expect(try rules(after: [("<OriginCriterion>WO</OriginCriterion>", "<OriginCriterion>RVC</OriginCriterion><RvcPercentage>39.99</RvcPercentage>"), fob]) == [.rvcPercentage])
        #expect(try rules(after: [("<OriginCriterion>WO</OriginCriterion>", "<OriginCriterion>RVC</OriginCriterion><RvcPercentage>50</RvcPercentage>"), ("</Quantity>", "</Quantity><FobValue currency=\"USD\">0</FobValue>")]) == [.rvcFOB])
        #expect(try rules(after: [("<OriginCriterion>WO</OriginCriterion>", "<OriginCriterion>RVC</OriginCriterion>")]) == [.rvcPercentage, .rvcFOB])
        #expect(try rules(after: [("<OriginCriterion>WO</OriginCriterion>", "<OriginCriterion>WO</OriginCriterion><RvcPercentage>50</RvcPercentage>")]) == [.rvcPercentage])
        #expect(try rules(after: [("<OriginCriterion>WO</OriginCriterion>", "<OriginCriterion>PSR</OriginCriterion><RvcPercentage>30</RvcPercentage>")]) == [])
        #expect(try rules(after: [("<OriginCriterion>WO</OriginCriterion>", "<OriginCriterion>RVC</OriginCriterion><RvcPercentage>101</RvcPercentage>"), fob]) == [.schema])
    }

    @Test("Retroactive issue: flagged beyond 3 days, refused beyond a year, and a needless flag is refused")
    func retroactive() throws {
        let flag = ("  </Certification>", "  </Certification>\n  <Flags><IssuedRetroactively>true</IssuedRetroactively></Flags>")
        #expect(try rules(after: [("<DepartureDate>2026-03-11</DepartureDate>", "<DepartureDate>2026-03-09</DepartureDate>")]) == [])
        #expect(try rules(after: [("<DepartureDate>2026-03-11</DepartureDate>", "<DepartureDate>2026-03-08</DepartureDate>")]) == [.retroactive])
        #expect(try rules(after: [("<DepartureDate>2026-03-11</DepartureDate>", "<DepartureDate>2026-03-08</DepartureDate>"), flag]) == [])
        #expect(try rules(after: [("<DepartureDate>2026-03-11</DepartureDate>", "<DepartureDate>2025-03-11</DepartureDate>"), flag]) == [.retroactive])
        #expect(try rules(after: [flag]) == [.retroactive])
        // Issued before shipment is normal.
        #expect(try rules(after: [("<DepartureDate>2026-03-11</DepartureDate>", "<DepartureDate>2026-03-20</DepartureDate>")]) == [])
    }

    @Test("Issue date: a day of tolerance for time zones, not more")
    func futureIssueDate() throws {
        #expect(try rules(after: [], today: CalendarDate(year: 2026, month: 3, day: 11)) == [])
        #expect(try rules(after: [], today: CalendarDate(year: 2026, month: 3, day: 10)) == [.issueDateFuture])
    }

    @Test("Replacements name a different, earlier predecessor; an ISSUE names none")
    func replacements() throws {
        let amendment = try Fixtures.text("valid/formd-amendment.xml")
        func check(_ text: String) -> [RuleID] { validator.validate(Array(text.utf8), today: fixtureDay).issues.map(\.rule) }
        #expect(check(amendment) == [])
        #expect(check(amendment.replacingOccurrences(of: "<Function>AMEND</Function>", with: "<Function>ISSUE</Function>")) == [.replacement])
        #expect(check(amendment.replacingOccurrences(of: "<ReferenceNumber>VN-TH 26/03/000123</ReferenceNumber>", with: "<ReferenceNumber>VN-TH 26/03/000123-A1</ReferenceNumber>")) == [.replacement])
        #expect(check(amendment.replacingOccurrences(of: "<IssueDate>2026-03-12</IssueDate>\n    <Reason>", with: "<IssueDate>2026-03-14</IssueDate>\n    <Reason>")) == [.replacement])
        let summary = try #require(FormDSummary(try XMLDocument(string: amendment).root))
        #expect(summary.function == .amend)
        #expect(summary.replaces == "VN-TH 26/03/000123")
        #expect(summary.conversationReference == "VN-TH 26/03/000123")
    }

    @Test("Movement certificates: original from another ASEAN state, issued earlier")
    func movementCertificate() throws {
        let text = try Fixtures.text("valid/formd-movement-exhibition.xml")
        func check(_ text: String) -> [RuleID] { validator.validate(Array(text.utf8), today: fixtureDay).issues.map(\.rule) }
        #expect(check(text) == [])
        #expect(check(text.replacingOccurrences(of: "<IssuingCountry>VN</IssuingCountry>\n    <IssueDate>", with: "<IssuingCountry>SG</IssuingCountry>\n    <IssueDate>")) == [.movementCertificate])
        #expect(check(text.replacingOccurrences(of: "<IssuingCountry>VN</IssuingCountry>\n    <IssueDate>", with: "<IssuingCountry>CN</IssuingCountry>\n    <IssueDate>")) == [.countryASEAN])
        #expect(check(text.replacingOccurrences(of: "<IssueDate>2026-05-25</IssueDate>", with: "<IssueDate>2026-06-25</IssueDate>")) == [.movementCertificate])
    }

    @Test("Box 4: NOT_GIVEN with a reason and GIVEN without one both pass")
    func officialUse() throws {
        let given = ("  <Item>", "  <OfficialUse><PreferentialTreatment>GIVEN</PreferentialTreatment></OfficialUse>\n  <Item>")
        let refused = ("  <Item>", "  <OfficialUse><PreferentialTreatment>NOT_GIVEN</PreferentialTreatment><Reason>Goods do not meet the PSR</Reason></OfficialUse>\n  <Item>")
        #expect(try rules(after: [given]) == [])
        #expect(try rules(after: [refused]) == [])
    }

    @Test("Calendar dates parse strictly and count days across leap years")
    func calendarDates() {
        #expect(CalendarDate("2024-02-29") != nil)
        #expect(CalendarDate("2026-02-29") == nil)
        #expect(CalendarDate("2026-13-01") == nil)
        #expect(CalendarDate("26-03-01") == nil)
        #expect(CalendarDate("2026-03-12+07:00") == CalendarDate(year: 2026, month: 3, day: 12))
        let start = CalendarDate(year: 2024, month: 2, day: 28)
        #expect(start.days(to: CalendarDate(year: 2024, month: 3, day: 1)) == 2)
        #expect(start.days(to: CalendarDate(year: 2025, month: 2, day: 28)) == 366)
        #expect(CalendarDate(dayNumber: CalendarDate(year: 1999, month: 12, day: 31).dayNumber).description == "1999-12-31")
        #expect(CalendarDate(year: 1970, month: 1, day: 1).dayNumber == 0)
    }

    @Test("Function codes map to partner numeric codes and back")
    func functionCodes() {
        for function in FunctionCode.allCases {
            let code = try! #require(function.numericCode())
            #expect(FunctionCode(numericCode: code) == function)
        }
        let partner: [FunctionCode: Int] = [.issue: 1, .amend: 2, .cancel: 3]
        #expect(FunctionCode.cancel.numericCode(in: partner) == 3)
        #expect(FunctionCode.ack.numericCode(in: partner) == nil)
        #expect(FunctionCode(numericCode: 99) == nil)
    }
}

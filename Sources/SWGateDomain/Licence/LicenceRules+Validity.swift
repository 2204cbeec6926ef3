import SWGateXML

extension LicenceRules {
    /// Issue date not in the future; validity period in order, and not already over when issued.
    func checkValidity(_ licence: XMLElement, _ findings: inout RuleFindings) {
        if let (issueDate, element) = licence.date("IssueDate"), today.days(to: issueDate) > futureToleranceDays {
            findings.fail(.licenceIssueDateFuture, at: element, "issue date \(issueDate) is in the future (today is \(today))")
        }
        guard let (validTo, validToElement) = licence.date("ValidTo") else { return }
        if let (validFrom, _) = licence.date("ValidFrom"), validTo < validFrom {
            findings.fail(
                .licenceValidityOrder, at: validToElement, "the licence is valid to \(validTo), before it is valid from \(validFrom)")
        }
        if licence.value("Function") == LicenceFunction.issue.rawValue, validTo < today {
            findings.fail(
                .licenceValidityPast, at: validToElement,
                "a licence issued now cannot have expired already: valid to \(validTo), today is \(today)")
        }
    }
}

import SWGateXML

extension LicenceRules {
    /// AMEND and REVOKE name their predecessor (another licence, issued on or before this one); ISSUE does not.
    func checkReplacement(_ licence: XMLElement, _ findings: inout RuleFindings) {
        guard let functionElement = licence.child("Function") else { return }
        let function = functionElement.text.xmlTrimmed
        let replaces = licence.child("Replaces")
        switch (LicenceFunction(rawValue: function), replaces) {
        case (.issue, let replaces?):
            findings.fail(
                .licenceReplacement, at: replaces, "a licence with function ISSUE replaces nothing; remove Replaces or use AMEND")
        case (.amend, nil), (.revoke, nil):
            findings.fail(
                .licenceReplacement, at: functionElement,
                "function \(function) must name the licence it replaces (Replaces/LicenceNumber and IssueDate)")
        case (.amend, let replaces?), (.revoke, let replaces?):
            let own = licence.value("LicenceNumber")
            if let predecessor = replaces.child("LicenceNumber"), predecessor.text.xmlTrimmed == own {
                findings.fail(
                    .licenceReplacement, at: predecessor,
                    "Replaces names this licence's own number '\(own ?? "")'; it must name its predecessor")
            }
            if let (replacedOn, element) = replaces.date("IssueDate"), let (issuedOn, _) = licence.date("IssueDate"),
                replacedOn > issuedOn
            {
                findings.fail(
                    .licenceReplacement, at: element, "the replaced licence's issue date \(replacedOn) is after this one's (\(issuedOn))")
            }
        default:
            break  // an unknown function is the schema's to report
        }
    }
}

import SWGateXML

extension FormDRules {
    /// AMEND and CANCEL name their predecessor; ISSUE does not.
    func checkReplacement(_ formD: XMLElement, _ findings: inout RuleFindings) {
        guard let functionElement = formD.child("Function") else { return }
        let function = functionElement.text.xmlTrimmed
        let replaces = formD.child("Replaces")
        switch (function, replaces) {
        case ("ISSUE", let replaces?):
            findings.fail(.replacement, at: replaces, "a certificate with function ISSUE replaces nothing; remove Replaces or use AMEND")
        case ("AMEND", nil), ("CANCEL", nil):
            findings.fail(
                .replacement, at: functionElement,
                "function \(function) must name the certificate it replaces (Replaces/ReferenceNumber and IssueDate)")
        case (_, let replaces?):
            let own = formD.value("ReferenceNumber")
            if let predecessor = replaces.child("ReferenceNumber"), predecessor.text.xmlTrimmed == own {
                findings.fail(
                    .replacement, at: predecessor,
                    "Replaces names this certificate's own reference number '\(own ?? "")'; it must name its predecessor")
            }
            if let (replacedOn, element) = replaces.date("IssueDate"), let (issuedOn, _) = formD.date("IssueDate"),
                replacedOn > issuedOn
            {
                findings.fail(
                    .replacement, at: element, "the replaced certificate's issue date \(replacedOn) is after this one's (\(issuedOn))")
            }
        default:
            break
        }
    }

    /// Box 13 flags and the details they require.
    func checkBox13(_ formD: XMLElement, _ findings: inout RuleFindings) {
        let flags = formD.child("Flags")
        func flagElement(_ name: String) -> XMLElement? { flags?.child(name) }
        func isSet(_ name: String) -> Bool { flags?.flag(name) ?? false }

        pairing(
            formD, flag: "ThirdCountryInvoicing", details: "ThirdCountryInvoice", rule: .thirdCountry,
            what: "the invoicing operator's name and country", isSet: isSet, flagElement: flagElement, &findings)
        pairing(
            formD, flag: "MovementCertificate", details: "OriginalCertificate", rule: .movementCertificate,
            what: "the original certificate's reference, country and date", isSet: isSet, flagElement: flagElement, &findings)
        pairing(
            formD, flag: "Exhibition", details: "Exhibition", rule: .exhibition,
            what: "the exhibition's name and place", isSet: isSet, flagElement: flagElement, &findings)

        if let original = formD.child("OriginalCertificate") {
            if let country = original.child("IssuingCountry") {
                let code = country.text.xmlTrimmed
                if !ASEANMemberStates.contains(code) {
                    findings.fail(.countryASEAN, at: country, "original certificate's country '\(code)' is not an ASEAN member state")
                } else if code == formD.value("IssuingCountry") {
                    findings.fail(
                        .movementCertificate, at: country,
                        "a movement certificate is issued by an intermediate member state, not by the original certificate's issuer '\(code)'")
                }
            }
            if let (originalDate, element) = original.date("IssueDate"), let (issued, _) = formD.date("IssueDate"),
                originalDate > issued
            {
                findings.fail(
                    .movementCertificate, at: element, "the original certificate's issue date \(originalDate) is after this one's (\(issued))")
            }
        }
    }

    private func pairing(
        _ formD: XMLElement, flag: String, details: String, rule: RuleID, what: String,
        isSet: (String) -> Bool, flagElement: (String) -> XMLElement?, _ findings: inout RuleFindings
    ) {
        let detailElement = formD.child(details)
        if isSet(flag), detailElement == nil, let element = flagElement(flag) {
            findings.fail(rule, at: element, "\(flag) is marked in box 13 but \(details) (\(what)) is missing")
        } else if !isSet(flag), let detailElement {
            findings.fail(rule, at: detailElement, "\(details) details (\(what)) are given but the box 13 flag \(flag) is not marked")
        }
    }

    /// Box 4: a refusal of preferential treatment states its reason.
    func checkOfficialUse(_ formD: XMLElement, _ findings: inout RuleFindings) {
        guard let official = formD.child("OfficialUse"), let treatment = official.child("PreferentialTreatment") else { return }
        if treatment.text.xmlTrimmed == "NOT_GIVEN", official.child("Reason") == nil {
            findings.fail(.officialUse, at: treatment, "preferential treatment NOT_GIVEN requires the Reason (box 4)")
        }
    }
}

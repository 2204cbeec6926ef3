import SWGateXML

extension FormDRules {
    func checkCountries(_ formD: XMLElement, _ findings: inout RuleFindings) {
        let issuing = formD.child("IssuingCountry")
        let importing = formD.child("ImportingCountry")
        for element in [issuing, importing].compactMap({ $0 }) {
            let code = element.text.xmlTrimmed
            if !code.isEmpty, !ASEANMemberStates.contains(code) {
                findings.fail(.countryASEAN, at: element, "\(element.localName) '\(code)' is not an ASEAN member state")
            }
        }
        guard let issuing, let importing else { return }
        let issuingCode = issuing.text.xmlTrimmed
        let importingCode = importing.text.xmlTrimmed
        if issuingCode == importingCode, !issuingCode.isEmpty {
            findings.fail(
                .countriesDiffer, at: importing,
                "ImportingCountry '\(importingCode)' is the same as IssuingCountry; Form D covers trade between two member states")
        }
        if let country = formD.child("Exporter")?.child("Country") {
            let code = country.text.xmlTrimmed
            if code != issuingCode {
                findings.fail(
                    .exporterCountry, at: country,
                    "exporter's country '\(code)' is not the issuing country '\(issuingCode)'")
            }
        }
        if let country = formD.child("Consignee")?.child("Country") {
            let code = country.text.xmlTrimmed
            if code != importingCode {
                findings.fail(
                    .consigneeCountry, at: country,
                    "consignee's country '\(code)' is not the importing country '\(importingCode)'")
            }
        }
    }
}

import SWGateXML

extension FormDRules {
    /// ATIGA's general regional value content threshold (Article 28).
    static let minimumRVC = 40.0
    /// Criteria that may state a percentage: RVC always does, a product-specific rule may.
    static let criteriaWithPercentage: Set<String> = ["RVC", "PSR"]

    func checkItems(_ formD: XMLElement, _ findings: inout RuleFindings) {
        for (index, item) in formD.children("Item").enumerated() {
            if let number = item.child("ItemNumber"), let value = Int(number.text.xmlTrimmed), value != index + 1 {
                findings.fail(
                    .itemNumbers, at: number, "item number \(value) is out of sequence: items are numbered 1 to n, expected \(index + 1)")
            }
            if let hsCode = item.child("HSCode") {
                checkHSCode(hsCode, &findings)
            }
            checkCriterion(item, &findings)
        }
    }

    private func checkHSCode(_ element: XMLElement, _ findings: inout RuleFindings) {
        for problem in HSCodeShape.problems(element.text.xmlTrimmed) {
            findings.fail(.hsCode, at: element, problem)
        }
    }

    private func checkCriterion(_ item: XMLElement, _ findings: inout RuleFindings) {
        guard let criterionElement = item.child("OriginCriterion") else { return }
        let criterion = criterionElement.text.xmlTrimmed
        let percentageElement = item.child("RvcPercentage")
        let percentage = percentageElement.flatMap { Double($0.text.xmlTrimmed) }
        if criterion == "RVC" {
            if let percentageElement, let percentage {
                if percentage < Self.minimumRVC {
                    findings.fail(
                        .rvcPercentage, at: percentageElement,
                        "regional value content of \(percentageElement.text.xmlTrimmed)% is below the ATIGA threshold of 40%")
                }
            } else if percentageElement == nil {
                findings.fail(.rvcPercentage, at: criterionElement, "origin criterion RVC requires RvcPercentage")
            }
            if let fob = item.child("FobValue") {
                if let value = Double(fob.text.xmlTrimmed), value <= 0 {
                    findings.fail(.rvcFOB, at: fob, "origin criterion RVC requires an FOB value greater than zero")
                }
            } else {
                findings.fail(.rvcFOB, at: criterionElement, "origin criterion RVC requires the FOB value (FobValue)")
            }
        } else if let percentageElement, !Self.criteriaWithPercentage.contains(criterion) {
            findings.fail(
                .rvcPercentage, at: percentageElement, "RvcPercentage is given only with origin criterion RVC or PSR, not \(criterion)")
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { self >= "0" && self <= "9" }
}

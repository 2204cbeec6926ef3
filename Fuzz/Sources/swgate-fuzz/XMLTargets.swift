import Foundation
import SWGateDomain
import SWGateXML

/// The hardened parser and the document validator: what every inbound document goes through
/// (portal submissions, `swgate validate`): parse with the limits, recognise the profile, schema,
/// business rules.
struct XMLValidateTarget: FuzzTarget {
    let name = "xml-validate"
    let validator = FuzzEnvironment.validator()
    let today = CalendarDate(year: 2026, month: 6, day: 1)

    func run(_ input: [UInt8]) {
        let report = validator.validate(input, today: today)
        // A refusal always says why: every issue names a rule and a message.
        for issue in report.issues where issue.message.isEmpty {
            finding("issue \(issue.rule) without a message")
        }
    }
}

/// SWGate's own exclusive C14N writer against libxml2's `xmlC14NExecute` on the same tree, for the
/// whole document, every subtree and every excluded element: any difference is a finding.
struct C14NDifferentialTarget: FuzzTarget {
    let name = "c14n-diff"

    func run(_ input: [UInt8]) {
        guard let document = try? XMLDocument(bytes: input) else { return }
        do {
            try CanonicalizationCrossCheck.compare(document, pairLimit: 16)
        } catch {
            finding("\(error)")
        }
    }
}

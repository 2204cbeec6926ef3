public import SWGateDomain
public import SWGateXML

extension FormDSummary {
    /// Reads a bare Form D for wrapping in an envelope.
    /// - Throws: `.malformedMessage` when the root is not a Form D or a required field is missing.
    public init(signing document: XMLDocument) throws(SignatureError) {
        let root = document.root
        guard root.isNamed("FormD", namespace: Namespace.formD) else {
            throw SignatureError(.malformedMessage, "expected a FormD in \(Namespace.formD), found <\(root.qualifiedName)>")
        }
        guard let summary = FormDSummary(root) else {
            throw SignatureError(
                .malformedMessage,
                "FormD lacks ReferenceNumber, Function (ISSUE, AMEND or CANCEL), IssuingCountry, ImportingCountry or IssueDate")
        }
        self = summary
    }
}

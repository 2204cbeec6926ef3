import Foundation
public import SWGateXML

/// What the envelopes need from a Form D: its reference, function, countries and date.
public struct FormDSummary: Sendable, Hashable {
    /// `ISSUE`, `AMEND` or `CANCEL`.
    public var function: String
    /// The C/O number.
    public var referenceNumber: String
    /// The reference of the certificate this one replaces (AMEND, CANCEL).
    public var replacesReferenceNumber: String?
    /// ISO code of the issuing member state (AS4 `From/PartyId`).
    public var issuingCountry: String
    /// ISO code of the importing member state (AS4 `To/PartyId`).
    public var importingCountry: String
    /// `IssueDate` as written (xs:date).
    public var issueDate: String

    /// Reads a bare Form D (root `FormD` in `urn:swgate:atiga:form-d:1`).
    /// - Throws: `.malformedMessage` naming what is missing.
    public init(document: XMLDocument) throws(SignatureError) {
        let root = document.root
        guard root.isNamed("FormD", namespace: Namespace.formD) else {
            throw SignatureError(.malformedMessage, "expected a FormD in \(Namespace.formD), found <\(root.qualifiedName)>")
        }
        func required(_ name: String) throws(SignatureError) -> String {
            guard let value = root.child(name)?.text.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                throw SignatureError(.malformedMessage, "FormD has no \(name)")
            }
            return value
        }
        referenceNumber = try required("ReferenceNumber")
        issuingCountry = try required("IssuingCountry")
        importingCountry = try required("ImportingCountry")
        issueDate = try required("IssueDate")
        function = root.child("Function")?.text.trimmingCharacters(in: .whitespacesAndNewlines).uppercased() ?? "ISSUE"
        guard ["ISSUE", "AMEND", "CANCEL"].contains(function) else {
            throw SignatureError(.malformedMessage, "FormD Function \"\(function)\" is not ISSUE, AMEND or CANCEL")
        }
        replacesReferenceNumber = root.child("Replaces")?.child("ReferenceNumber")?.text
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The year of ``issueDate``.
    public var documentYear: String { String(issueDate.prefix(4)) }
}

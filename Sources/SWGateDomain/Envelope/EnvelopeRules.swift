public import SWGateXML

/// Consistency between an NSW envelope's Header/Subject and the business document it carries.
public struct EnvelopeRules: Sendable {
    /// Subject/documentType for an ATIGA Form D.
    public static let formDDocumentType = "ATIGA_FORM_D"
    /// Subject/documentType for an acknowledgement.
    public static let acknowledgementDocumentType = "ACKNOWLEDGEMENT"

    public init() {}

    /// Checks `envelope` (an NSW `Envelope` element) and returns every failure.
    public func check(_ envelope: XMLElement) -> [ValidationIssue] {
        var findings = RuleFindings()
        guard let header = envelope.child("Header"), let subject = header.child("Subject") else { return [] }
        checkParties(header, &findings)
        guard let document = envelope.child("Body")?.child("Content")?.children.first else { return findings.issues }
        if document.isNamed("FormD", namespace: Namespace.formD) {
            checkFormDSubject(subject, formD: document, &findings)
        } else if document.isNamed("Acknowledgement", namespace: Namespace.nswEnvelope) {
            checkDocumentType(subject, expected: Self.acknowledgementDocumentType, &findings)
            if let function = subject.child("function"), !["ACK", "REJECT", "STATUS"].contains(function.text.xmlTrimmed) {
                findings.fail(
                    .envelopeFunction, at: function,
                    "Subject/function '\(function.text.xmlTrimmed)' does not fit an Acknowledgement (ACK, REJECT or STATUS)")
            }
        }
        return findings.issues
    }

    private func checkParties(_ header: XMLElement, _ findings: inout RuleFindings) {
        guard let from = header.child("From")?.value("identity"), let to = header.child("To") else { return }
        if let identity = to.child("identity"), identity.text.xmlTrimmed == from {
            findings.fail(.envelopeParties, at: identity, "To/identity '\(from)' is the sender itself")
        }
    }

    private func checkDocumentType(_ subject: XMLElement, expected: String, _ findings: inout RuleFindings) {
        if let type = subject.child("documentType"), type.text.xmlTrimmed != expected {
            findings.fail(
                .envelopeDocumentType, at: type,
                "Subject/documentType '\(type.text.xmlTrimmed)' does not match the content; expected '\(expected)'")
        }
    }

    private func checkFormDSubject(_ subject: XMLElement, formD: XMLElement, _ findings: inout RuleFindings) {
        checkDocumentType(subject, expected: Self.formDDocumentType, &findings)
        let formDNamespace: String?? = .some(Namespace.formD)
        let reference = formD.child("ReferenceNumber", namespace: formDNamespace)?.text.xmlTrimmed
        if let element = subject.child("reference"), let reference, element.text.xmlTrimmed != reference {
            findings.fail(
                .envelopeReference, at: element,
                "Subject/reference '\(element.text.xmlTrimmed)' is not the Form D reference number '\(reference)'")
        }
        let function = formD.child("Function", namespace: formDNamespace)?.text.xmlTrimmed
        if let element = subject.child("function"), let function, element.text.xmlTrimmed != function {
            findings.fail(
                .envelopeFunction, at: element,
                "Subject/function '\(element.text.xmlTrimmed)' does not match the Form D function '\(function)'")
        }
        let predecessor = formD.child("Replaces", namespace: formDNamespace)?
            .child("ReferenceNumber", namespace: formDNamespace)?.text.xmlTrimmed
        let preReference = subject.child("preReference")
        switch (predecessor, preReference) {
        case (let predecessor?, nil):
            findings.fail(
                .envelopeFunction, at: subject,
                "Subject/preReference is missing; the Form D replaces '\(predecessor)'")
        case (let predecessor?, let element?) where element.text.xmlTrimmed != predecessor:
            findings.fail(
                .envelopeFunction, at: element,
                "Subject/preReference '\(element.text.xmlTrimmed)' is not the replaced certificate '\(predecessor)'")
        case (nil, let element?):
            findings.fail(.envelopeFunction, at: element, "Subject/preReference is given but the Form D replaces nothing")
        default:
            break
        }
    }
}

public import SWGateXML

/// Consistency between an NSW envelope's Header/Subject and the business document it carries.
public struct EnvelopeRules: Sendable {
    /// Subject/documentType for an ATIGA Form D.
    public static let formDDocumentType = "ATIGA_FORM_D"
    /// Subject/documentType for an acknowledgement.
    public static let acknowledgementDocumentType = "ACKNOWLEDGEMENT"

    /// The document types an envelope may carry.
    public var profiles: DocumentProfiles

    public init(profiles: DocumentProfiles) {
        self.profiles = profiles
    }

    /// Checks `envelope` (an NSW `Envelope` element) and returns every failure.
    public func check(_ envelope: XMLElement) -> [ValidationIssue] {
        var findings = RuleFindings()
        guard let header = envelope.child("Header"), let subject = header.child("Subject") else { return [] }
        checkParties(header, &findings)
        guard let document = envelope.child("Body")?.child("Content")?.children.first else { return findings.issues }
        if let profile = profiles.profile(for: document) {
            checkSubject(subject, document: document, profile: profile, &findings)
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

    /// Subject agrees with the document it announces: the profile's NSW document type, and the
    /// document's reference, function and predecessor.
    private func checkSubject(_ subject: XMLElement, document: XMLElement, profile: DocumentProfile, _ findings: inout RuleFindings) {
        guard let codes = profile.nsw else {
            findings.fail(.envelopeDocumentType, at: document, "documents of type \(profile.documentType) are not carried in an NSW envelope")
            return
        }
        checkDocumentType(subject, expected: codes.documentType, &findings)
        // A document the summary cannot read is the schema's to report.
        guard let summary = profile.summarize(document) else { return }
        if let element = subject.child("reference"), element.text.xmlTrimmed != summary.reference {
            findings.fail(
                .envelopeReference, at: element,
                "Subject/reference '\(element.text.xmlTrimmed)' is not the document's reference '\(summary.reference)'")
        }
        if let element = subject.child("function"), element.text.xmlTrimmed != summary.function {
            findings.fail(
                .envelopeFunction, at: element,
                "Subject/function '\(element.text.xmlTrimmed)' does not match the document's function '\(summary.function)'")
        }
        let preReference = subject.child("preReference")
        switch (summary.replaces, preReference) {
        case (let predecessor?, nil):
            findings.fail(
                .envelopeFunction, at: subject,
                "Subject/preReference is missing; the document replaces '\(predecessor)'")
        case (let predecessor?, let element?) where element.text.xmlTrimmed != predecessor:
            findings.fail(
                .envelopeFunction, at: element,
                "Subject/preReference '\(element.text.xmlTrimmed)' is not the replaced document '\(predecessor)'")
        case (nil, let element?):
            findings.fail(.envelopeFunction, at: element, "Subject/preReference is given but the document replaces nothing")
        default:
            break
        }
    }
}

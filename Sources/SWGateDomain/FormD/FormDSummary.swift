public import SWGateXML

/// The fields of a Form D that routing, envelopes and the outbox need, read once.
public struct FormDSummary: Sendable, Hashable, Codable {
    public var referenceNumber: String
    public var function: FunctionCode
    /// Reference number of the certificate an AMEND or CANCEL replaces.
    public var replaces: String?
    public var issuingCountry: String
    public var importingCountry: String
    public var issueDate: String

    /// The conversation this certificate belongs to, for ordering: the predecessor's reference
    /// for an AMEND or CANCEL, else its own. An amendment of an amendment is linked to the
    /// first issue by the store, which knows each reference's conversation.
    public var conversationReference: String { replaces ?? referenceNumber }

    /// The year of ``issueDate`` (NSW `Subject/documentYear`).
    public var documentYear: String { String(issueDate.prefix(4)) }

    /// Reads a `FormD` element; nil when a required field is missing (validate first).
    public init?(_ formD: XMLElement) {
        guard formD.isNamed("FormD", namespace: Namespace.formD),
            let reference = formD.value("ReferenceNumber"),
            let function = formD.value("Function").flatMap(FunctionCode.init(rawValue:)),
            let issuing = formD.value("IssuingCountry"),
            let importing = formD.value("ImportingCountry"),
            let issueDate = formD.value("IssueDate")
        else { return nil }
        self.referenceNumber = reference
        self.function = function
        self.replaces = formD.child("Replaces")?.value("ReferenceNumber")
        self.issuingCountry = issuing
        self.importingCountry = importing
        self.issueDate = issueDate
    }
}

/// What the gateway needs to know about a business document, read once at intake and stored with
/// the message: the channels build envelopes and routing decides from it without parsing the
/// document again.
public struct DocumentSummary: Sendable, Hashable, Codable {
    /// The profile's document type (`ATIGA-FORM-D`, `IMPORT-EXPORT-LICENCE`, …).
    public var documentType: String
    /// The document's own reference (C/O number, licence number).
    public var reference: String
    /// `ISSUE`, `AMEND`, `CANCEL`, `REVOKE`, …
    public var function: String
    /// The reference of the document this one replaces (amendments, cancellations, revocations).
    public var replaces: String?
    /// `YYYY-MM-DD`.
    public var issueDate: String
    /// ISO 3166-1 alpha-2 code of the issuing country (AS4 `From/PartyId`).
    public var issuingCountry: String
    /// The country the document is for, when it goes abroad (AS4 `To/PartyId`, routing).
    public var importingCountry: String?

    public init(
        documentType: String, reference: String, function: String, replaces: String? = nil, issueDate: String, issuingCountry: String,
        importingCountry: String? = nil
    ) {
        self.documentType = documentType
        self.reference = reference
        self.function = function
        self.replaces = replaces
        self.issueDate = issueDate
        self.issuingCountry = issuingCountry
        self.importingCountry = importingCountry
    }

    /// The year of ``issueDate`` (NSW `Subject/documentYear`).
    public var documentYear: String { String(issueDate.prefix(4)) }
}

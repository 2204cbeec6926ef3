/// The stable identifier of a validation rule, printed in every report
/// (`file:line:col: rule: message`) and listed in `docs/validation-rules.md`.
///
/// New rules are new static members; identifiers never change meaning.
public struct RuleID: Sendable, Hashable, Comparable, RawRepresentable, CustomStringConvertible, Codable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: RuleID, rhs: RuleID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    // MARK: Document level
    /// The root element is not a document the gateway knows.
    public static let wrongRoot = RuleID("DOC-ROOT")
    /// The root element has a known name in the wrong (or no) namespace.
    public static let wrongNamespace = RuleID("DOC-NAMESPACE")
    /// A W3C XML Schema violation (message from the schema validator).
    public static let schema = RuleID("XSD")

    // MARK: Form D business rules
    /// Issuing and importing countries (and a third-country invoicing or original
    /// certificate's country where it must be) are ASEAN member states.
    public static let countryASEAN = RuleID("FD-COUNTRY-ASEAN")
    /// Issuing and importing countries differ.
    public static let countriesDiffer = RuleID("FD-COUNTRY-DIFFER")
    /// The exporter (box 1) is in the issuing country.
    public static let exporterCountry = RuleID("FD-EXPORTER-COUNTRY")
    /// The consignee (box 2) is in the importing country.
    public static let consigneeCountry = RuleID("FD-CONSIGNEE-COUNTRY")
    /// The issue date is not in the future.
    public static let issueDateFuture = RuleID("FD-DATE-FUTURE")
    /// Exporter's declaration (box 11) is dated on or before the certification (box 12).
    public static let declarationDate = RuleID("FD-DATE-DECLARATION")
    /// Certification date (box 12) is the issue date.
    public static let certificationDate = RuleID("FD-DATE-CERTIFICATION")
    /// Invoices (box 10) are dated on or before the issue date.
    public static let invoiceDate = RuleID("FD-DATE-INVOICE")
    /// A certificate issued more than 3 days after shipment is marked "issued retroactively"
    /// and issued within one year of shipment; one marked so is issued after shipment.
    public static let retroactive = RuleID("FD-RETROACTIVE")
    /// Item numbers run 1, 2, …, n in document order.
    public static let itemNumbers = RuleID("FD-ITEM-NUMBERS")
    /// HS code has 6, 8, 10 or 12 digits and starts with an existing chapter (01–97, not 77).
    public static let hsCode = RuleID("FD-HS-CODE")
    /// RVC criterion carries a percentage of at least 40; other criteria (except PSR) carry none.
    public static let rvcPercentage = RuleID("FD-RVC-PERCENT")
    /// RVC criterion carries the FOB value.
    public static let rvcFOB = RuleID("FD-RVC-FOB")
    /// AMEND and CANCEL name the certificate they replace (a different one, issued earlier);
    /// ISSUE names none.
    public static let replacement = RuleID("FD-REPLACES")
    /// Third-country invoicing (box 13) comes with the invoicing operator and country, and only then.
    public static let thirdCountry = RuleID("FD-THIRD-COUNTRY")
    /// A movement certificate (back-to-back, box 13) names its original certificate, and only then.
    public static let movementCertificate = RuleID("FD-MOVEMENT")
    /// An exhibition certificate (box 13) names the exhibition, and only then.
    public static let exhibition = RuleID("FD-EXHIBITION")
    /// Preferential treatment "not given" (box 4) states the reason.
    public static let officialUse = RuleID("FD-OFFICIAL-USE")

    // MARK: NSW envelope rules
    /// Subject/reference is the business document's reference number.
    public static let envelopeReference = RuleID("ENV-REFERENCE")
    /// Subject/function agrees with the business document (and preReference with Replaces).
    public static let envelopeFunction = RuleID("ENV-FUNCTION")
    /// Subject/documentType names the business document carried in Content.
    public static let envelopeDocumentType = RuleID("ENV-DOCUMENT-TYPE")
    /// From and To are different parties.
    public static let envelopeParties = RuleID("ENV-PARTIES")
}

extension RuleID {
    /// Every business rule (Form D and envelope) and document-level rule, for documentation
    /// and for the test that each has an invalid fixture.
    public static let catalogue: [RuleID] = [
        .wrongRoot, .wrongNamespace, .schema,
        .countryASEAN, .countriesDiffer, .exporterCountry, .consigneeCountry,
        .issueDateFuture, .declarationDate, .certificationDate, .invoiceDate, .retroactive,
        .itemNumbers, .hsCode, .rvcPercentage, .rvcFOB,
        .replacement, .thirdCountry, .movementCertificate, .exhibition, .officialUse,
        .envelopeReference, .envelopeFunction, .envelopeDocumentType, .envelopeParties,
    ]
}

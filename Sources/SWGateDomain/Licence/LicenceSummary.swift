public import SWGateXML

/// The fields of an import/export licence that routing, envelopes and the outbox need, read once.
public struct LicenceSummary: Sendable, Hashable, Codable {
    public var licenceNumber: String
    public var function: LicenceFunction
    /// Number of the licence an AMEND or REVOKE replaces.
    public var replaces: String?
    public var licenceType: LicenceType
    public var issuingCountry: String
    public var issueDate: String
    /// The holder's tax id (`Holder/TaxId`).
    public var holderTaxId: String
    public var validFrom: String
    public var validTo: String
    /// The distinct `GoodsLine/CountryOfOrigin` values, in document order; empty when no line names one.
    public var countriesOfOrigin: [String]
    /// The distinct `GoodsLine/CountryOfDestination` values, in document order; empty when no line names one.
    public var countriesOfDestination: [String]

    /// The conversation this licence belongs to, for ordering: the predecessor's number for an
    /// AMEND or REVOKE, else its own.
    public var conversationReference: String { replaces ?? licenceNumber }

    /// The year of ``issueDate``.
    public var documentYear: String { String(issueDate.prefix(4)) }

    /// Reads a `Licence` element; nil when a required field is missing (validate first).
    public init?(_ licence: XMLElement) {
        guard licence.isNamed("Licence", namespace: Namespace.licence),
            let number = licence.value("LicenceNumber"),
            let function = licence.value("Function").flatMap(LicenceFunction.init(rawValue:)),
            let type = licence.value("LicenceType").flatMap(LicenceType.init(rawValue:)),
            let issuing = licence.value("IssuingCountry"),
            let issueDate = licence.value("IssueDate"),
            let taxId = licence.child("Holder")?.value("TaxId"),
            let validFrom = licence.value("ValidFrom"),
            let validTo = licence.value("ValidTo")
        else { return nil }
        self.licenceNumber = number
        self.function = function
        self.replaces = licence.child("Replaces")?.value("LicenceNumber")
        self.licenceType = type
        self.issuingCountry = issuing
        self.issueDate = issueDate
        self.holderTaxId = taxId
        self.validFrom = validFrom
        self.validTo = validTo
        let lines = licence.children("GoodsLine")
        func distinct(_ name: String) -> [String] {
            var seen: Set<String> = []
            return lines.compactMap { $0.value(name) }.filter { seen.insert($0).inserted }
        }
        self.countriesOfOrigin = distinct("CountryOfOrigin")
        self.countriesOfDestination = distinct("CountryOfDestination")
    }
}

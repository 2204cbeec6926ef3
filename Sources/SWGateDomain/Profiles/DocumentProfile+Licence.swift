import SWGateXML

extension DocumentProfile {
    /// The document type name of the import/export licence in routing rules, the store and the API.
    public static let licenceType = "IMPORT-EXPORT-LICENCE"

    /// The import/export licence: to the NSW only (`IMPORT_EXPORT_LICENCE`, type `LIC`), never
    /// over AS4; customs answers with STATUS messages (licence used, quantities cleared).
    public static func licence(_ schemas: SchemaCatalog) -> DocumentProfile {
        DocumentProfile(
            documentType: licenceType, namespace: Namespace.licence, rootElement: "Licence", schema: schemas.licence,
            mediaType: "application/vnd.swgate.licence+xml",
            nsw: NSWCodes(documentType: "IMPORT_EXPORT_LICENCE", type: "LIC"),
            as4: nil,
            rules: { root, today in LicenceRules(today: today).check(root) },
            summarize: { root in
                LicenceSummary(root).map {
                    DocumentSummary(
                        documentType: licenceType, reference: $0.licenceNumber, function: $0.function.rawValue, replaces: $0.replaces,
                        issueDate: $0.issueDate, issuingCountry: $0.issuingCountry)
                }
            })
    }
}

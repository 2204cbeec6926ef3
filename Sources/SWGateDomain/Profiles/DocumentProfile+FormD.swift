import SWGateXML

extension DocumentProfile {
    /// The document type name of ATIGA Form D in routing rules, the store and the API.
    public static let formDType = "ATIGA-FORM-D"

    /// ATIGA Form D, the certificate of origin: to the NSW (`ATIGA_FORM_D`, type `CO`) and over AS4
    /// to the importing member state (`SubmitFormD`).
    public static func formD(_ schemas: SchemaCatalog) -> DocumentProfile {
        DocumentProfile(
            documentType: formDType, namespace: Namespace.formD, rootElement: "FormD", schema: schemas.formD,
            mediaType: "application/vnd.swgate.form-d+xml",
            nsw: NSWCodes(documentType: EnvelopeRules.formDDocumentType, type: "CO"),
            as4: AS4Codes(service: "urn:swgate:asw:service:atiga-form-d", action: "SubmitFormD"),
            rules: { root, today in FormDRules(today: today).check(root) },
            summarize: { root in
                FormDSummary(root).map {
                    DocumentSummary(
                        documentType: formDType, reference: $0.referenceNumber, function: $0.function.rawValue, replaces: $0.replaces,
                        issueDate: $0.issueDate, issuingCountry: $0.issuingCountry, importingCountry: $0.importingCountry)
                }
            })
    }
}

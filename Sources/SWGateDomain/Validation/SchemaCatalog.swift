public import SWGateXML
import SWGateSchemas

/// The gateway's compiled schemas, compiled once per process and shared by every validation
/// (see ``XMLSchema`` for why that is safe).
public final class SchemaCatalog: Sendable {
    /// `atiga-form-d.xsd`.
    public let formD: XMLSchema
    /// `import-export-licence.xsd`.
    public let licence: XMLSchema
    /// `nsw-envelope.xsd` (imports the XML-DSig schema; business documents are validated by their profiles).
    public let nswEnvelope: XMLSchema
    /// `standard/as4-message.xsd`: SOAP 1.2, ebMS 3.0 header, WS-Security, XML-DSig.
    public let as4Message: XMLSchema
    /// `standard/soap11-message.xsd`: SOAP 1.1, WS-Security, XML-DSig.
    public let soap11Message: XMLSchema

    /// Compiles the schemas compiled into the program (`Schemas/` in the repository).
    public convenience init() throws(XMLError) {
        let directory: String
        do {
            directory = try SchemaDirectory.directory()
        } catch {
            throw XMLError(code: .schemaUnusable, message: error.description)
        }
        try self.init(directory: directory)
    }

    /// Compiles the schemas found in `directory`.
    public init(directory: String) throws(XMLError) {
        formD = try XMLSchema(path: directory + "/atiga-form-d.xsd")
        licence = try XMLSchema(path: directory + "/import-export-licence.xsd")
        nswEnvelope = try XMLSchema(path: directory + "/nsw-envelope.xsd")
        as4Message = try XMLSchema(path: directory + "/standard/as4-message.xsd")
        soap11Message = try XMLSchema(path: directory + "/standard/soap11-message.xsd")
    }

    /// The process-wide catalogue of the bundled schemas.
    public static func shared() throws(XMLError) -> SchemaCatalog {
        try sharedCatalog.get()
    }
}

private let sharedCatalog: Result<SchemaCatalog, XMLError> = Result { () throws(XMLError) in try SchemaCatalog() }

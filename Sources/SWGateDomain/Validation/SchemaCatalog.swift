public import SWGateXML
import SWGateSchemas

/// The gateway's compiled schemas, compiled once per process and shared by every validation
/// (see ``XMLSchema`` for why that is safe).
public final class SchemaCatalog: Sendable {
    /// `atiga-form-d.xsd`.
    public let formD: XMLSchema
    /// `nsw-envelope.xsd` (imports the Form D and XML-DSig schemas).
    public let nswEnvelope: XMLSchema

    /// Compiles the bundled schemas (`Schemas/` in the repository).
    public convenience init() throws(XMLError) {
        try self.init(directory: SchemaDirectory.path)
    }

    /// Compiles the schemas found in `directory`.
    public init(directory: String) throws(XMLError) {
        formD = try XMLSchema(path: directory + "/atiga-form-d.xsd")
        nswEnvelope = try XMLSchema(path: directory + "/nsw-envelope.xsd")
    }

    /// The process-wide catalogue of the bundled schemas.
    public static func shared() throws(XMLError) -> SchemaCatalog {
        try sharedCatalog.get()
    }
}

private let sharedCatalog: Result<SchemaCatalog, XMLError> = Result { () throws(XMLError) in try SchemaCatalog() }

import Foundation

/// Where the gateway's XML schemas live at run time.
///
/// The `.xsd` files beside this source are copied into the module's resource bundle, so
/// schemas are always read from local files and never fetched at run time.
public enum SchemaDirectory {
    /// Absolute path of the directory that holds `atiga-form-d.xsd`, `nsw-envelope.xsd`
    /// and the `standard/` schemas (SOAP, ebMS, XML-DSig, WS-Security).
    public static var path: String {
        guard let url = Bundle.module.url(forResource: "atiga-form-d", withExtension: "xsd") else {
            preconditionFailure("the SWGateSchemas resource bundle is missing atiga-form-d.xsd")
        }
        return url.deletingLastPathComponent().path
    }

    /// Absolute path of one schema file, e.g. `file("nsw-envelope.xsd")` or
    /// `file("standard/soap11-envelope.xsd")`.
    public static func file(_ relativePath: String) -> String {
        path + "/" + relativePath
    }
}

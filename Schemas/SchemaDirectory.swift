import Foundation

/// The gateway's XML schemas, compiled into the program (`EmbeddedSchemas.swift`, generated from
/// the `.xsd` files beside this source by `scripts/embed-schemas.sh`), so an installed `swgate`
/// needs no resource bundle and schemas are never fetched at run time.
///
/// libxml2 compiles a schema from a file and resolves its `xs:import`s relative to it, so the
/// schemas are written once per process to a private temporary directory (`mkdtemp`, mode 0700,
/// under `$TMPDIR`), removed again when the process exits normally.
public enum SchemaDirectory {
    /// Why the schemas could not be written out.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Relative paths of every schema, e.g. `atiga-form-d.xsd`, `standard/xml.xsd`.
    public static var relativePaths: [String] { EmbeddedSchemas.files.keys.sorted() }

    /// The text of one schema from memory, e.g. `contents("nsw-envelope.xsd")`; nil if there is none.
    public static func contents(_ relativePath: String) -> String? {
        EmbeddedSchemas.files[relativePath]
    }

    /// Absolute path of the directory that holds `atiga-form-d.xsd`, `nsw-envelope.xsd` and the
    /// `standard/` schemas (SOAP, ebMS, XML-DSig, WS-Security); written on first use.
    public static func directory() throws(Failure) -> String {
        try written.get()
    }

    /// Absolute path of one schema file, e.g. `file("nsw-envelope.xsd")` or
    /// `file("standard/soap11-envelope.xsd")`.
    public static func file(_ relativePath: String) throws(Failure) -> String {
        try directory() + "/" + relativePath
    }

    /// Written once per process (a lazily initialised global is initialised exactly once, even
    /// under concurrent first use).
    private static let written: Result<String, Failure> = Result { () throws(Failure) in try write() }

    private static func write() throws(Failure) -> String {
        var template = Array((FileManager.default.temporaryDirectory.path + "/swgate-schemas-XXXXXX").utf8CString)
        guard mkdtemp(&template) != nil else {
            throw Failure(description: "cannot create a temporary directory for the schemas under \(FileManager.default.temporaryDirectory.path)")
        }
        let directory = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        atexit { SchemaDirectory.removeWrittenCopy() }
        for (relativePath, text) in EmbeddedSchemas.files {
            let url = URL(fileURLWithPath: directory + "/" + relativePath)
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url)
            } catch {
                throw Failure(description: "cannot write the schema \(url.path): \(error.localizedDescription)")
            }
        }
        return directory
    }

    private static func removeWrittenCopy() {
        if case .success(let directory) = written {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}

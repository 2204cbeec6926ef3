import Foundation
import SWGateSchemas
import Testing

@Suite("Schemas compiled into the program")
struct EmbeddedSchemasTests {
    static let schemas = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Schemas").standardized

    /// Every `.xsd` below `Schemas/`, by relative path.
    func schemaFiles() throws -> [String] {
        let enumerator = try #require(FileManager.default.enumerator(atPath: Self.schemas.path))
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".xsd") }.sorted()
    }

    @Test("The embedded copy equals the files in Schemas/ (else run scripts/embed-schemas.sh)")
    func embeddedCopyMatchesTheFiles() throws {
        let files = try schemaFiles()
        #expect(!files.isEmpty)
        #expect(SchemaDirectory.relativePaths == files, "run scripts/embed-schemas.sh")
        for file in files {
            let onDisk = try String(contentsOf: Self.schemas.appendingPathComponent(file), encoding: .utf8)
            #expect(SchemaDirectory.contents(file) == onDisk, "\(file) differs from its embedded copy: run scripts/embed-schemas.sh")
        }
    }

    @Test("Every schema beside the SWGateSchemas sources is excluded from that target in Package.swift (else SwiftPM warns of an unhandled file)")
    func everySchemaIsExcludedFromTheTarget() throws {
        let manifest = try String(contentsOf: Self.schemas.appendingPathComponent("../Package.swift").standardized, encoding: .utf8)
        let target = try #require(manifest.range(of: #"name: "SWGateSchemas","#), "no SWGateSchemas target in Package.swift")
        let exclude = try #require(
            manifest[target.upperBound...].firstMatch(of: /exclude: \[([^\]]*)\]/), "the SWGateSchemas target has no exclude list")
        let excluded = Set(
            exclude.1.split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            })
        // Files in Schemas/standard/ are excluded with their folder.
        for file in try schemaFiles() where !file.contains("/") {
            #expect(excluded.contains(file), "add \"\(file)\" to the exclude list of the SWGateSchemas target in Package.swift")
        }
        #expect(excluded.contains("standard"))
    }

    @Test("The schemas are written once per process to a private directory outside the source tree")
    func writtenToAPrivateDirectory() throws {
        let directory = try SchemaDirectory.directory()
        #expect(try SchemaDirectory.directory() == directory)
        #expect(!directory.hasPrefix(Self.schemas.path))
        let permissions = try FileManager.default.attributesOfItem(atPath: directory)[.posixPermissions] as? Int
        #expect(permissions == 0o700)
        for file in SchemaDirectory.relativePaths {
            #expect(try String(contentsOfFile: SchemaDirectory.file(file), encoding: .utf8) == SchemaDirectory.contents(file))
        }
    }
}

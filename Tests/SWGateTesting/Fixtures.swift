public import Foundation

/// The test fixtures under `Tests/SWGateTesting/Fixtures`: `valid/`, `invalid/` (one file per
/// rule, named after the rule id) and `hostile/`.
public enum Fixtures {
    /// The fixtures directory inside the resource bundle.
    public static var directory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    }

    /// URL of `relativePath`, e.g. `valid/formd-single-item.xml`.
    public static func url(_ relativePath: String) -> URL {
        directory.appendingPathComponent(relativePath)
    }

    /// Bytes of `relativePath`.
    public static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(relativePath)))
    }

    /// UTF-8 text of `relativePath`.
    public static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: url(relativePath), encoding: .utf8)
    }

    /// Names of the `.xml` files in `folder` (e.g. `valid`), sorted.
    public static func xmlFiles(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url(folder).path)) ?? []
        return names.filter { $0.hasSuffix(".xml") }.sorted()
    }
}

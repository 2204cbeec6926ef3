import Foundation
import Testing

/// Each C library behind one module: the checks run over the package's own sources and manifest,
/// so a second module reaching libxml2 or xmlsec fails the suite instead of passing review.
@Suite("One module per C library")
struct CLibraryBoundaryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every Swift file under `Sources/`, by path relative to the repository.
    static func sources() throws -> [(path: String, text: String)] {
        let sources = root.appendingPathComponent("Sources")
        let enumerator = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        var files: [(String, String)] = []
        for case let url as URL in enumerator where url.pathExtension == "swift" {
            files.append((String(url.path.dropFirst(root.path.count + 1)), try String(contentsOf: url, encoding: .utf8)))
        }
        return files
    }

    static func imports(_ module: String, in text: String) -> Bool {
        text.range(of: #"(?m)^\s*(@\w+\s+)?((public|package|internal|private|fileprivate)\s+)?import\s+"# + module + #"\s*$"#, options: .regularExpression) != nil
    }

    @Test("Only SWGateXML imports CLibXML2, and only SWGateSecurity imports CXMLSec")
    func imports() throws {
        let files = try Self.sources()
        #expect(files.count > 100)
        let libxml2 = files.filter { Self.imports("CLibXML2", in: $0.text) }.map(\.path)
        #expect(!libxml2.isEmpty)
        #expect(libxml2.allSatisfy { $0.hasPrefix("Sources/SWGateXML/") }, "\(libxml2.filter { !$0.hasPrefix("Sources/SWGateXML/") })")
        let xmlsec = files.filter { Self.imports("CXMLSec", in: $0.text) }.map(\.path)
        #expect(!xmlsec.isEmpty)
        #expect(xmlsec.allSatisfy { $0.hasPrefix("Sources/SWGateSecurity/") }, "\(xmlsec.filter { !$0.hasPrefix("Sources/SWGateSecurity/") })")
    }

    @Test("The signature module calls no libxml2 function itself: tree reads and edits go through SWGateXML")
    func noLibxml2CallsInSecurity() throws {
        var calls: [String] = []
        for file in try Self.sources() where file.path.hasPrefix("Sources/SWGateSecurity/") {
            for line in file.text.split(separator: "\n", omittingEmptySubsequences: false) where !line.trimmingCharacters(in: .whitespaces).hasPrefix("///") {
                // libxml2's API is xml…(…); xmlsec's own is xmlSec…(…), which is the module's business.
                if let match = line.range(of: #"\bxml(?!Sec)[A-Z][A-Za-z0-9]*\("#, options: .regularExpression) {
                    calls.append("\(file.path): \(line[match])")
                }
            }
        }
        #expect(calls.isEmpty, "\(calls)")
    }

    @Test("The manifest gives CLibXML2 to SWGateXML alone and CXMLSec to SWGateSecurity alone (tests aside)")
    func manifest() throws {
        let manifest = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        // Each target declaration with its dependency list: `name: "X", dependencies: [ … ]`.
        let pattern = #"\.(target|executableTarget)\(\s*name:\s*"([^"]+)",\s*dependencies:\s*\[([^\]]*)\]"#
        let regex = try NSRegularExpression(pattern: pattern)
        let range = NSRange(manifest.startIndex..., in: manifest)
        var users: [String: [String]] = [:]
        for match in regex.matches(in: manifest, range: range) {
            guard let name = Range(match.range(at: 2), in: manifest).map({ String(manifest[$0]) }),
                let dependencies = Range(match.range(at: 3), in: manifest).map({ String(manifest[$0]) })
            else { continue }
            for library in ["CLibXML2", "CXMLSec"] where dependencies.contains("\"\(library)\"") {
                users[library, default: []].append(name)
            }
        }
        #expect(users["CLibXML2"] == ["SWGateXML"], "\(users)")
        #expect(users["CXMLSec"] == ["SWGateSecurity"], "\(users)")
    }
}

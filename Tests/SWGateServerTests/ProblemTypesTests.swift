import Foundation
import SWGateServer
import Testing

/// The problem types a portal client switches on are documented where clients read them: the
/// error table of `docs/api.md` (type, status, title) and the OpenAPI document's list.
@Suite("Problem types: every code the portal API answers is documented")
struct ProblemTypesTests {
    private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path

    @Test("docs/api.md lists every problem type with its status and title, and no other")
    func apiReference() throws {
        let text = try String(contentsOfFile: Self.repository + "/docs/api.md", encoding: .utf8)
        var documented: [String: (status: Int, title: String)] = [:]
        for line in text.split(separator: "\n") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 5, cells[1].hasPrefix("`"), let status = Int(cells[2]), (400...599).contains(status) else { continue }
            documented[cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = (status, cells[3])
        }
        for code in PortalError.Code.all {
            let row = try #require(documented[code.rawValue], "docs/api.md has no row for \(code)")
            #expect(row.status == code.status, "\(code): documented \(row.status), answered \(code.status)")
            #expect(row.title == code.title, "\(code): documented \"\(row.title)\", answered \"\(code.title)\"")
        }
        #expect(Set(documented.keys) == Set(PortalError.Code.all.map(\.rawValue)), "rows for codes the gateway never answers")
    }

    @Test("The OpenAPI document's problem type lists every code")
    func openAPI() throws {
        let text = try String(contentsOfFile: Self.repository + "/docs/openapi.json", encoding: .utf8)
        let list = try #require(text.firstMatch(of: /"Stable: ([a-z, -]+)\."/)).1
        #expect(list.split(separator: ", ").map(String.init) == PortalError.Code.all.map(\.rawValue))
    }
}

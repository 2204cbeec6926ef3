import Foundation
import SWGateDomain

/// The outcome for one file: a report, or why the file could not be read.
struct FileResult: Encodable {
    var file: String
    var report: ValidationReport?
    var error: String?

    enum CodingKeys: String, CodingKey { case file, kind, valid, issues, error }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        if let report {
            try container.encode(report.kind, forKey: .kind)
            try container.encode(report.isValid, forKey: .valid)
            try container.encode(report.issues, forKey: .issues)
        } else {
            try container.encode(false, forKey: .valid)
            try container.encodeIfPresent(error, forKey: .error)
        }
    }
}

/// Formatting of validation results for people and for programs.
enum ValidationOutput {
    /// `file:line:col: rule: message`, or `file: rule: message` for a problem with the whole document.
    static func line(file: String, issue: ValidationIssue) -> String {
        let location = issue.line > 0 ? "\(file):\(issue.line):\(max(issue.column, 1))" : file
        let path = issue.path.isEmpty ? "" : " [\(issue.path)]"
        return "\(location): \(issue.rule): \(issue.message)\(path)"
    }

    static func summary(_ results: [FileResult]) -> String {
        let invalid = results.filter { $0.report?.isValid == false }.count
        let unreadable = results.filter { $0.error != nil }.count
        let problems = results.reduce(0) { $0 + ($1.report?.issues.count ?? 0) }
        var parts = ["\(results.count) file\(results.count == 1 ? "" : "s") checked"]
        parts.append("\(invalid) invalid")
        if unreadable > 0 { parts.append("\(unreadable) unreadable") }
        parts.append("\(problems) problem\(problems == 1 ? "" : "s")")
        return parts.joined(separator: ", ")
    }

    static func json(_ results: [FileResult]) -> String {
        struct Document: Encodable {
            var valid: Bool
            var files: [FileResult]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document = Document(valid: results.allSatisfy { $0.report?.isValid == true }, files: results)
        guard let data = try? encoder.encode(document), let text = String(data: data, encoding: .utf8) else { return "{}" }
        return text
    }
}

import ArgumentParser
import Foundation
import SWGateDomain
import SWGateServer
import SWGateXML

/// `swgate validate FILE...`: schema and business rules, one `file:line:col: rule: message`
/// line per failure (docs/cli.md). Exit 0 all valid, 1 a document is invalid, 2 usage error.
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate business documents (Form D, licence, …) or NSW envelopes (schema and business rules).",
        discussion: """
            Accepts a bare business document of any document type the gateway knows (FormD in
            urn:swgate:atiga:form-d:1, Licence in urn:swgate:licence:1) or a whole NSW envelope
            (Envelope in urn:swgate:nsw:envelope:1). Prints one line per failure:
              FILE:LINE:COLUMN: RULE: MESSAGE
            Rule identifiers are listed in docs/validation-rules.md.
            Exit status: 0 every document is valid, 1 some document is invalid, 2 usage error
            (missing or unreadable file).
            """)

    @Argument(help: "Documents to validate.")
    var files: [String]

    @Flag(help: "Write a JSON report to standard output instead of text lines.")
    var json = false

    @Option(help: "Gateway configuration file (YAML): judge documents with its listen.xml limits, as `swgate serve --config` does.")
    var config: String?

    @Option(help: "Largest accepted document, in bytes (default: listen.xml.max_bytes, 10485760).")
    var maxBytes: Int?

    @Option(help: "Deepest accepted element nesting, at most 256 (default: listen.xml.max_depth, 64).")
    var maxDepth: Int?

    @Option(help: "Most elements, attributes and namespace declarations in one document (default: listen.xml.max_nodes, 200000).")
    var maxNodes: Int?

    @Option(help: "Judge dates against this day (YYYY-MM-DD) instead of today (UTC).")
    var today: String?

    func validate() throws {
        if let today, CalendarDate(today) == nil {
            throw ValidationError("--today must be a date like 2026-03-12, not '\(today)'")
        }
        guard [maxBytes, maxDepth, maxNodes].allSatisfy({ ($0 ?? 1) > 0 }) else {
            throw ValidationError("--max-bytes, --max-depth and --max-nodes must be positive")
        }
    }

    func run() async throws {
        let configured: XMLLimits
        do {
            configured = try loadConfiguration(file: config).listen.xmlLimits
        } catch {
            printError("error: configuration: \(error)")
            throw ExitCode(2)
        }
        let limits = XMLLimits(
            maxBytes: maxBytes ?? configured.maxBytes, maxDepth: maxDepth ?? configured.maxDepth, maxNodes: maxNodes ?? configured.maxNodes)
        let validator: DocumentValidator
        do {
            validator = try DocumentValidator.standard(limits: limits)
        } catch {
            printError("swgate: schemas unusable: \(error.message)")
            throw ExitCode(2)
        }
        let day = today.flatMap(CalendarDate.init) ?? CalendarDate.today()
        var results: [FileResult] = []
        for file in files {
            switch readDocument(file, limit: limits.maxBytes) {
            case .failure(let problem):
                results.append(FileResult(file: file, report: nil, error: problem.message))
            case .success(.tooLarge(let size)):
                let issue = ValidationIssue(
                    rule: RuleID(XMLError.Code.tooLarge.rawValue),
                    message: "document is \(size) bytes; the limit is \(limits.maxBytes) bytes")
                results.append(FileResult(file: file, report: ValidationReport(kind: .unknown, issues: [issue]), error: nil))
            case .success(.bytes(let bytes)):
                results.append(FileResult(file: file, report: validator.validate(bytes, today: day), error: nil))
            }
        }
        if json {
            print(ValidationOutput.json(results))
        } else {
            for result in results {
                if let error = result.error { printError("swgate: \(error)") }
                for issue in result.report?.issues ?? [] {
                    print(ValidationOutput.line(file: result.file, issue: issue))
                }
            }
            printError(ValidationOutput.summary(results))
        }
        if results.contains(where: { $0.error != nil }) { throw ExitCode(2) }
        if results.contains(where: { $0.report?.isValid == false }) { throw ExitCode(1) }
    }
}

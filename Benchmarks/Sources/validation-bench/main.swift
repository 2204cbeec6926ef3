// Validation throughput: hardened parse + XSD + business rules of a 5 KB Form D, one core.
import BenchmarkSupport
import Foundation
import SWGateDomain
import SWGateXML

let fixture = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/formd-5kb.xml")
let bytes = [UInt8](try Data(contentsOf: fixture))
let validator = try DocumentValidator.standard()
let today = CalendarDate(year: 2026, month: 11, day: 21)
precondition(validator.validate(bytes, today: today).isValid, "benchmark fixture must be valid")

let iterations = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 50_000
print("machine: \(machineDescription())")
print("document: \(bytes.count) bytes, \(iterations) iterations per measurement")

let parseOnly = measureRate(iterations: iterations) {
    _ = try! XMLDocument(bytes: bytes)
}
let schemaOnly: Double = {
    let document = try! XMLDocument(bytes: bytes)
    return measureRate(iterations: iterations) { _ = validator.schemas.formD.validate(document) }
}()
let parseNoBlanks = measureRate(iterations: iterations) {
    _ = try! XMLDocument(bytes: bytes, keepIgnorableWhitespace: false)
}
let schemaNoBlanks: Double = {
    let document = try! XMLDocument(bytes: bytes, keepIgnorableWhitespace: false)
    return measureRate(iterations: iterations) { _ = validator.schemas.formD.validate(document) }
}()
let rulesOnly: Double = {
    let document = try! XMLDocument(bytes: bytes, keepIgnorableWhitespace: false)
    let rules = FormDRules(today: today)
    return measureRate(iterations: iterations) { _ = rules.check(document.root) }
}()
let summaryOnly: Double = {
    let document = try! XMLDocument(bytes: bytes, keepIgnorableWhitespace: false)
    return measureRate(iterations: iterations) { _ = FormDSummary(document.root)! }
}()
let full = measureRate(iterations: iterations) {
    let report = validator.validate(bytes, today: today)
    precondition(report.isValid)
}
print(String(format: "parse only:                 %9.0f docs/s", parseOnly))
print(String(format: "XSD only (parsed doc):      %9.0f docs/s", schemaOnly))
print(String(format: "parse only, no blanks:      %9.0f docs/s", parseNoBlanks))
print(String(format: "XSD only, no-blanks doc:    %9.0f docs/s", schemaNoBlanks))
print(String(format: "Form D rules only:          %9.0f docs/s", rulesOnly))
print(String(format: "FormDSummary only:          %9.0f docs/s", summaryOnly))
print(String(format: "parse + XSD + rules, 1 core: %8.0f docs/s", full))

// Two cores: two tasks sharing the compiled schema.
let start = DispatchTime.now().uptimeNanoseconds
await withTaskGroup(of: Void.self) { group in
    for _ in 0..<2 {
        group.addTask {
            for _ in 0..<iterations { precondition(validator.validate(bytes, today: today).isValid) }
        }
    }
}
let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
print(String(format: "parse + XSD + rules, 2 tasks: %7.0f docs/s", Double(2 * iterations) / seconds))
print(String(format: "peak RSS: %.1f MiB", peakResidentMiB()))
if let rsa = opensslRSA2048(seconds: 3) {
    print(String(format: "openssl speed rsa2048 (same run): %.0f sign/s, %.0f verify/s", rsa.sign, rsa.verify))
    print(String(format: "validation / RSA-2048 sign ratio: %.1fx", full / rsa.sign))
}

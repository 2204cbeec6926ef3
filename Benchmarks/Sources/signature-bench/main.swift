// Signature throughput, one thread, 5 KB Form D, next to `openssl speed rsa2048` measured in the
// same run, for the native engine and for xmlsec (the engine before it; BENCH_ENGINE=native or
// xmlsec runs one). Run from the repository root:
//   swift run -c release --package-path Benchmarks signature-bench
import BenchmarkSupport
import Foundation
import SWGateAS4
import SWGateDomain
import SWGateNSW
import SWGateSecurity
import SWGateXML

let home = ProcessInfo.processInfo.environment["SWGATE_HOME"] ?? FileManager.default.currentDirectoryPath
let engines: [SignatureEngine] =
    ProcessInfo.processInfo.environment["BENCH_ENGINE"].flatMap(SignatureEngine.init(rawValue:)).map { [$0] }
    ?? [.native, .xmlsec]
let services = try SecurityServices(configuration: .development(directory: home + "/Certificates"), engine: engines[0])
let iterations = Int(ProcessInfo.processInfo.environment["BENCH_ITERATIONS"] ?? "") ?? 3000

/// A Form D of about 5 KB: the header fields and enough items.
func formD(size: Int) -> [UInt8] {
    var items = ""
    var number = 1
    let head = """
        <?xml version="1.0" encoding="UTF-8"?>
        <FormD xmlns="urn:swgate:atiga:form-d:1"><ReferenceNumber>VN-2026-0001234</ReferenceNumber><Function>ISSUE</Function>\
        <IssuingCountry>VN</IssuingCountry><ImportingCountry>TH</ImportingCountry><IssueDate>2026-11-20</IssueDate>\
        <Exporter><Name>Công ty TNHH Xuất khẩu Mẫu</Name><Address>12 Lý Thường Kiệt, Hà Nội</Address><Country>VN</Country></Exporter>\
        <Consignee><Name>Siam Import Co., Ltd.</Name><Address>99 Sukhumvit Road, Bangkok</Address><Country>TH</Country></Consignee>
        """
    while head.utf8.count + items.utf8.count < size - 300 {
        items +=
            "<Item><ItemNumber>\(number)</ItemNumber><Description>Frozen shrimp, peeled, lot \(number)</Description>"
            + "<HSCode>030617</HSCode><OriginCriterion>WO</OriginCriterion><GrossWeight unit=\"KGM\">1200.5</GrossWeight></Item>\n"
        number += 1
    }
    return Array((head + items + "</FormD>\n").utf8)
}

let document = formD(size: 5 * 1024)
/// Distinct copies of the document (one gross weight differs), more than the signer keeps parsed
/// (`EmbeddedDocumentCache`), so that each signing below parses its document as a first delivery does.
let variants = (0..<512).map { index in
    Array(
        String(decoding: document, as: UTF8.self).replacingOccurrences(
            of: "<GrossWeight unit=\"KGM\">1200.5<", with: "<GrossWeight unit=\"KGM\">\(index).5<"
        ).utf8)
}
/// The next distinct copy of the document (one thread uses it).
nonisolated(unsafe) var nextVariant = 0
func freshDocument() -> [UInt8] {
    nextVariant = (nextVariant + 1) % variants.count
    return variants[nextVariant]
}
// Wrapped and signed as the channels do: the Form D profile's codes, the summary read once.
let profile = DocumentProfile.formD(try SchemaCatalog.shared())
let summary = profile.summarize(try XMLDocument(bytes: document).root)!
let nsw = try services.signForNSW(document, summary: summary, codes: profile.nsw!)
let as4 = try services.signForAS4(document, summary: summary, codes: profile.as4!)
let enveloped = try services.signEnvelopedDocument(document)
if let sample = ProcessInfo.processInfo.environment["BENCH_SAMPLE"] {
    // For Benchmarks/c/xmlsec-floor.c: the same enveloped document, to measure xmlsec alone.
    try Data(enveloped).write(to: URL(fileURLWithPath: sample))
}

print("# signature-bench")
print("date: \(Date().formatted(.iso8601))")
print("machine: \(machineDescription())")
print("Form D: \(document.count) bytes; NSW envelope signed: \(nsw.count) bytes; AS4 signed: \(as4.count) bytes")
print("iterations per figure: \(iterations), one thread")
let openssl = opensslRSA2048(seconds: 3)
if let openssl { print(String(format: "openssl speed rsa2048: %.0f sign/s, %.0f verify/s", openssl.sign, openssl.verify)) }

let filter = ProcessInfo.processInfo.environment["BENCH_FILTER"]

func report(_ name: String, signaturesPerOp: Int, reference: Double?, _ operation: () throws -> Void) rethrows {
    if let filter, !name.contains(filter) { return }
    let rate = try measureRate(iterations: iterations, warmup: 200, operation)
    var line = String(format: "| %@ | %.0f | %.0f |", name, rate, rate * Double(signaturesPerOp))
    if let reference { line += String(format: " %.0f%% |", 100 * rate * Double(signaturesPerOp) / reference) } else { line += " |" }
    print(line)
}

for engine in engines {
    let services = try SecurityServices(configuration: .development(directory: home + "/Certificates"), engine: engine)
    print("")
    print("engine: \(engine.rawValue)")
    print("")
    print("| operation | ops/s | signatures/s | of raw RSA-2048 |")
    print("|---|---|---|---|")
    try report("enveloped sign (parse + C14N + digest + RSA + serialise)", signaturesPerOp: 1, reference: openssl?.sign) {
        _ = try services.signEnvelopedDocument(document)
    }
    try report("NSW sign message (wrap + Content sig + SystemSignature)", signaturesPerOp: 2, reference: openssl?.sign) {
        _ = try services.signForNSW(freshDocument(), summary: summary, codes: profile.nsw!)
    }
    try report("AS4 sign message (wrap + WS-Security, 3 references)", signaturesPerOp: 1, reference: openssl?.sign) {
        _ = try services.signForAS4(freshDocument(), summary: summary, codes: profile.as4!)
    }
    // The relay's case: one document signed for both partners (the second signing finds it parsed).
    try report("Both sign messages of one Form D (NSW, then AS4)", signaturesPerOp: 3, reference: openssl?.sign) {
        let fresh = freshDocument()
        _ = try services.signForNSW(fresh, summary: summary, codes: profile.nsw!)
        _ = try services.signForAS4(fresh, summary: summary, codes: profile.as4!)
    }
    try report("enveloped verify (all checks)", signaturesPerOp: 1, reference: openssl?.verify) {
        _ = try services.verifyEnvelopedDocument(enveloped, partner: "VN")
    }
    try report("NSW verify message (both signatures, all checks)", signaturesPerOp: 2, reference: openssl?.verify) {
        _ = try services.verifyNSWEnvelope(nsw)
    }
    try report("AS4 verify message (all checks)", signaturesPerOp: 1, reference: openssl?.verify) {
        _ = try services.verifyAS4Message(as4)
    }
}
print(String(format: "peak RSS: %.1f MiB", peakResidentMiB()))

// Where verification time goes (parts of the operations above).
let certificate = services.systemIdentity.certificate
let base64 = certificate.base64
if filter == nil || filter == "parts" {
    print("")
    print("| part of verification | ops/s |")
    print("|---|---|")
    print(
        String(
            format: "| parse certificate from base64 (KeyInfo/BST) | %.0f |",
            try measureRate(iterations: iterations) { _ = try Certificate(base64: base64) }))
    print(
        String(format: "| chain check (cached) | %.0f |", try measureRate(iterations: iterations) { try services.trustStore.evaluate(certificate) }))
    print(
        String(format: "| classify message (parse only) | %.0f |", try measureRate(iterations: iterations) { _ = try SignedMessageKind(bytes: nsw) }))
}

import ArgumentParser
import Foundation
import SWGateServer

/// `swgate doctor`: checks a deployed gateway's configuration, keys, trust, store, partners and
/// clock without starting it. Exit 0 all good, 1 warnings, 2 failures (docs/cli.md).
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a deployment: configuration, keys, certificates, store, partners, clock. Exit 0 good, 1 warnings, 2 failures.")

    @Option(help: "Gateway configuration file (YAML), as `swgate serve --config` reads it. Without it: the embedded defaults.")
    var config: String?

    @Option(help: "Warn about certificates that expire within this many days (default: the configuration's certificates.expiry_warning, 30 days).")
    var days: Int?

    @Option(help: "Seconds each partner may take to answer.")
    var timeout: Int = 5

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        guard (days ?? 0) >= 0 else { throw ValidationError("--days must be 0 or more") }
        guard (1...300).contains(timeout) else { throw ValidationError("--timeout must be 1…300 seconds") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let base = config == nil ? environment["SWGATE_HOME"] ?? FileManager.default.currentDirectoryPath : FileManager.default.currentDirectoryPath
        let doctor = GatewayDoctor(warningDays: days, timeout: .seconds(timeout), environment: environment, baseDirectory: base)
        let report = await doctor.run(configurationFile: config)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
        } else {
            for finding in report.findings {
                let label = finding.status == .ok ? "OK" : finding.status == .warning ? "WARNING" : "FAILURE"
                print("\(label): \(finding.check): \(finding.subject): \(finding.detail)")
            }
            print(
                "\(report.findings.count) checks: \(report.count(.ok)) ok, \(report.count(.warning)) warnings, \(report.count(.failure)) failures")
        }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}

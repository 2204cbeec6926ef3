import ArgumentParser
import Foundation
import SWGateSecurity
import SWGateServer

/// `swgate certs ...`: certificate housekeeping.
struct Certs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect the configured certificates.", subcommands: [Check.self])

    /// `swgate certs check [--days N] [--json]`: expiry, chains and revocation of every configured certificate.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check certificates: expiry (warn within --days), trust chains, revocation. Exit 1 if any fails.")

        @Option(help: "Warn about certificates that expire within this many days (default: the configuration's certificates.expiry_warning, 30 days).")
        var days: Int?

        @Flag(help: "Print the report as JSON.")
        var json = false

        @OptionGroup var security: SecurityOptions

        func run() throws {
            let services: SecurityServices
            let days: Int
            do {
                let gateway = try security.gatewayConfiguration()
                days = self.days ?? Int(gateway.certificateExpiryWarning.components.seconds / 86_400)
                services = try security.loadServices(gateway: gateway)
            } catch let failure as CommandFailure {
                throw failure.exit()
            }
            let report = services.certificateReport(warningDays: days)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                encoder.dateEncodingStrategy = .iso8601
                FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
            } else {
                for entry in report {
                    let label = entry.status == .ok ? "OK" : entry.status == .expiring ? "WARNING" : entry.status.rawValue.uppercased()
                    print("\(label): \(entry.role): \(entry.subject): \(entry.detail)")
                }
                let warnings = report.filter { $0.status == .expiring }.count
                let failures = report.filter { $0.status.isFailure }.count
                print("\(report.count) certificates, \(warnings) expiring within \(days) days, \(failures) failing")
            }
            if report.contains(where: { $0.status.isFailure }) { throw ExitCode(1) }
        }
    }
}

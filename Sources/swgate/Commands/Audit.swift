import ArgumentParser
import SWGateStore

/// `swgate audit …`: the tamper-evident audit log.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check the tamper-evident audit log.", subcommands: [AuditVerify.self])
}

/// `swgate audit verify`: exit 0 when the chain is intact, 1 when an entry was edited, inserted or deleted.
struct AuditVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check the audit chain end to end.")

    @OptionGroup var storeOptions: StoreOptions
    @Flag(help: "JSON output.") var json = false

    func run() async throws {
        try await runReporting {
            let store = try await storeOptions.open()
            let report = try await store.verifyAudit()
            if json {
                print(try Formatting.json(report))
            } else if report.isIntact {
                print("audit log intact: \(report.entryCount) entries, last #\(report.lastSequence.map(String.init) ?? "-")")
            } else {
                for problem in report.problems { print("entry #\(problem.sequence): \(problem.reason)") }
                print("audit log TAMPERED: \(report.problems.count) problem(s) in \(report.entryCount) entries")
            }
            if !report.isIntact { throw CommandFailure.problems("") }
        }
    }
}

import ArgumentParser
import Foundation
import SWGateStore

/// `swgate outbox replay`: puts failed or dead deliveries back in the queue with a fresh retry
/// budget, recording the operator in the audit log. Safe while the server runs.
struct OutboxReplay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Put failed or dead messages back in the queue.")

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "Message ids to replay (their failed and dead deliveries).") var ids: [String] = []
    @Option(help: "Replay every delivery in this state: failed or dead.") var status: String?
    @Option(help: "Only deliveries to this destination.") var destination: String?
    @Option(help: "With --status: only messages accepted within this duration (30s, 15m, 2h, 7d).") var since: String?
    @Flag(name: .customLong("dry-run"), help: "Show what would be replayed; change nothing.") var dryRun = false
    @Option(name: .customLong("operator"), help: "Who replays, for the audit log (default: $USER).") var operatorName: String?
    @Flag(help: "JSON output.") var json = false

    func run() async throws {
        try await runReporting {
            let request = try makeRequest()
            let store = try await storeOptions.open()
            let changes = try await store.replay(request)
            let replayed = changes.filter { $0.to != nil }
            if json {
                print(try Formatting.json(changes))
            } else {
                for change in changes {
                    let verb = change.to == nil ? "skipped (\(change.from.rawValue))" : (dryRun ? "would replay" : "replayed")
                    print("\(change.messageID) \(change.destination): \(verb)\(change.to == nil ? "" : " from \(change.from.rawValue)")")
                }
                print("\(replayed.count) deliver\(replayed.count == 1 ? "y" : "ies") \(dryRun ? "would be" : "") replayed".replacingOccurrences(of: "  ", with: " "))
            }
            if !ids.isEmpty && replayed.isEmpty {
                throw CommandFailure.problems("nothing to replay: no delivery of the given message(s) is failed or dead")
            }
        }
    }

    private func makeRequest() throws -> ReplayRequest {
        let who = operatorName ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown-operator"
        switch (ids.isEmpty, status) {
        case (false, nil):
            if since != nil { throw CommandFailure.usage("--since applies to --status, not to explicit ids") }
            return ReplayRequest(selection: .messages(ids), destination: destination, operatorName: who, dryRun: dryRun)
        case (true, let status?):
            let state = try parseState(status)
            guard state == .failed || state == .dead else {
                throw CommandFailure.usage("--status must be failed or dead, not '\(status)'")
            }
            let filter = DeliveryFilter(
                states: [state], destination: destination,
                acceptedSince: try since.map { Date().addingTimeInterval(-Double(try duration($0))) })
            return ReplayRequest(selection: .filter(filter), destination: destination, operatorName: who, dryRun: dryRun)
        case (false, _?):
            throw CommandFailure.usage("give message ids or --status, not both")
        case (true, nil):
            throw CommandFailure.usage("give message ids or --status failed|dead")
        }
    }
}

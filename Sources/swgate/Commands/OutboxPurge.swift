import ArgumentParser
import Foundation
import SWGateStore

/// `swgate outbox purge --delivered --older-than D`: retention. Never removes undelivered messages.
struct OutboxPurge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge", abstract: "Remove messages delivered to every destination longer ago than a duration.")

    @OptionGroup var storeOptions: StoreOptions
    @Flag(help: "Purge delivered messages (required: the only kind that is ever purged).") var delivered = false
    @Option(name: .customLong("older-than"), help: "Delivered longer ago than this (30s, 15m, 2h, 7d).") var olderThan: String
    @Flag(name: .customLong("dry-run"), help: "Show what would be purged; change nothing.") var dryRun = false
    @Option(name: .customLong("operator"), help: "Who purges, for the audit log (default: $USER).") var operatorName: String?
    @Flag(help: "JSON output.") var json = false

    func run() async throws {
        try await runReporting {
            guard delivered else { throw CommandFailure.usage("purge needs --delivered: only delivered messages are ever purged") }
            let seconds = try duration(olderThan)
            let store = try await storeOptions.open()
            let who = operatorName ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown-operator"
            let result = try await store.purgeDelivered(before: Date().addingTimeInterval(-Double(seconds)), actor: who, dryRun: dryRun)
            if json {
                print(try Formatting.json(result))
                return
            }
            for id in result.messageIDs { print("\(id): \(dryRun ? "would purge" : "purged")") }
            print("\(result.messageIDs.count) message(s) \(dryRun ? "would be purged" : "purged")")
        }
    }
}

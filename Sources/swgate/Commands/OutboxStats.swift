import ArgumentParser
import Foundation
import SWGateStore

/// `swgate outbox stats`: counts by destination and state, oldest pending age.
struct OutboxStatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Counts by state and destination, oldest pending age.")

    @OptionGroup var storeOptions: StoreOptions
    @Flag(help: "JSON output.") var json = false

    private struct Output: Encodable {
        var messages: Int
        var byDestination: [String: [String: Int]]
        var totals: [String: Int]
        var oldestPendingAcceptedAt: Date?
        var oldestPendingAgeSeconds: Int?
    }

    func run() async throws {
        try await runReporting {
            let store = try await storeOptions.open()
            let stats = try await store.stats()
            let now = Date()
            var byDestination: [String: [String: Int]] = [:]
            for row in stats.rows { byDestination[row.destination, default: [:]][row.state.rawValue] = row.count }
            let totals = Dictionary(uniqueKeysWithValues: DeliveryState.allCases.map { ($0.rawValue, stats.total($0)) })
            if json {
                let output = Output(
                    messages: stats.messageCount, byDestination: byDestination, totals: totals,
                    oldestPendingAcceptedAt: stats.oldestPendingAcceptedAt,
                    oldestPendingAgeSeconds: stats.oldestPendingAcceptedAt.map { max(0, Int(now.timeIntervalSince($0))) })
                print(try Formatting.json(output))
                return
            }
            let states = DeliveryState.allCases.map(\.rawValue)
            let rows = byDestination.keys.sorted().map { destination in
                [destination] + states.map { String(byDestination[destination]?[$0] ?? 0) }
            }
            print(Formatting.table(["DESTINATION"] + states.map { $0.uppercased() }, rows + [["total"] + states.map { String(totals[$0] ?? 0) }]))
            print("messages: \(stats.messageCount)")
            print("oldest pending: \(stats.oldestPendingAcceptedAt.map { Formatting.age(since: $0, now: now) + " (accepted \(Formatting.timestamp($0)))" } ?? "none")")
        }
    }
}

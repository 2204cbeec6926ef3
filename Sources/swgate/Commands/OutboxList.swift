import ArgumentParser
import Foundation
import SWGateStore

/// `swgate outbox list`: one line per delivery (message × destination).
struct OutboxList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List deliveries, oldest first.")

    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Only this state: pending, sending, delivered, failed, dead.") var status: String?
    @Option(help: "Only this destination (nsw, asw, portal, …).") var destination: String?
    @Option(help: "Only messages accepted within this duration (30s, 15m, 2h, 7d).") var since: String?
    @Option(help: "At most this many rows.") var limit: Int?
    @Flag(help: "JSON output.") var json = false

    func run() async throws {
        try await runReporting {
            let filter = DeliveryFilter(
                states: try status.map { Set([try parseState($0)]) }, destination: destination,
                acceptedSince: try since.map { Date().addingTimeInterval(-Double(try duration($0))) }, limit: limit)
            let store = try await storeOptions.open()
            let rows = try await store.deliveries(matching: filter)
            if json {
                print(try Formatting.json(rows))
                return
            }
            print(
                Formatting.table(
                    ["MESSAGE", "DESTINATION", "STATE", "FUNCTION", "CONVERSATION", "ATTEMPTS", "ACCEPTED", "LAST ERROR"],
                    rows.map {
                        [
                            $0.messageID, $0.destination, $0.state.rawValue, $0.function.rawValue, $0.conversation, String($0.attemptCount),
                            Formatting.timestamp($0.acceptedAt), $0.lastError ?? "",
                        ]
                    }))
        }
    }
}

/// A state name, or a usage error that lists the valid ones.
func parseState(_ text: String) throws -> DeliveryState {
    guard let state = DeliveryState(rawValue: text.lowercased()) else {
        throw CommandFailure.usage("unknown state '\(text)': expected one of \(DeliveryState.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return state
}

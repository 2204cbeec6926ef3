import ArgumentParser
import Foundation
import SWGateStore

/// `swgate outbox show ID`: a message, its deliveries, attempts, receipts and audit trail.
struct OutboxShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one message: states, attempts, last error, receipts.")

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "The gateway's message id (or the wire message id).") var id: String
    @Flag(help: "JSON output.") var json = false

    private struct Output: Encodable {
        var message: MessageRecord
        var audit: [AuditEntry]
    }

    func run() async throws {
        try await runReporting {
            let store = try await storeOptions.open()
            guard let message = try await store.message(id: id) else {
                throw CommandFailure.usage("unknown message id '\(id)'")
            }
            let audit = try await store.auditEntries(messageID: message.id)
            if json {
                print(try Formatting.json(Output(message: message, audit: audit)))
                return
            }
            print("message      \(message.id)")
            print("wire id      \(message.wireMessageID)")
            print("conversation \(message.conversation)")
            print("document     \(message.documentType) \(message.function)")
            print("source       \(message.source)")
            print("accepted     \(Formatting.timestamp(message.acceptedAt))")
            for delivery in message.deliveries {
                print("")
                print("→ \(delivery.destination): \(delivery.state.rawValue), \(delivery.attemptCount) attempt(s), \(delivery.payloadSize) bytes \(delivery.contentType)")
                if let next = delivery.nextAttemptAt { print("  next attempt \(Formatting.timestamp(next))") }
                if let owner = delivery.leaseOwner { print("  leased to \(owner)") }
                if let error = delivery.lastError { print("  last error   \(error)") }
                for attempt in delivery.attempts {
                    let status = attempt.httpStatus.map { " HTTP \($0)" } ?? ""
                    print("  attempt \(attempt.number) \(Formatting.timestamp(attempt.startedAt)) \(attempt.durationMilliseconds) ms \(attempt.outcome)\(status) \(attempt.error ?? "")")
                }
                for receipt in delivery.receipts {
                    print("  receipt \(Formatting.timestamp(receipt.receivedAt)) \(receipt.contentType), \(receipt.body.count) bytes")
                }
            }
            print("")
            print("audit")
            for entry in audit {
                print("  #\(entry.sequence) \(Formatting.timestamp(entry.at)) \(entry.event) \(entry.destination ?? "-") by \(entry.actor): \(entry.detail)")
            }
        }
    }
}

import ArgumentParser
import Foundation
import SWGateDomain
import SWGateServer
import SWGateStore

/// `swgate send FILE --to DESTINATION`: validates a business document (any profile) and enqueues
/// it for one configured destination, as if it had arrived; a running gateway delivers it. Exit 1
/// when the document is invalid, 2 when the destination is unknown or cannot carry it.
struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Enqueue a document for a destination as if it had arrived.")

    @Argument(help: "The business document (XML) to send: a Form D, a licence, …")
    var file: String

    @Option(name: .long, help: "A configured destination, e.g. nsw, asw or portal.")
    var to: String

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CommandFailure.usage("cannot read \(file)").exit()
        }
        let validator: DocumentValidator
        let store: any SubmissionStore
        let settings: GatewayConfiguration
        do {
            settings = try storeOptions.gatewayConfiguration()
            guard settings.destinations[to] != nil else {
                throw CommandFailure.usage("--to must be a configured destination (\(settings.destinations.keys.sorted().joined(separator: ", "))), not \(to)")
            }
            validator = try DocumentValidator.standard(limits: settings.listen.xmlLimits)
            store = try await storeOptions.openForIntake()
        } catch let failure as CommandFailure {
            throw failure.exit()
        } catch {
            throw CommandFailure.store(error).exit()
        }
        let intake = DocumentIntake(
            store: store, validator: validator, routing: settings.routingTable, destinationKinds: settings.destinationKinds)
        do {
            let accepted = try await intake.send(Array(data), to: [to], source: "operator")
            try? await store.close()
            print("queued \(accepted.id) (message id \(accepted.messageId)) for \(to)")
        } catch where error.code == .invalidDocument {
            let lines = error.issues.map { ValidationOutput.line(file: file, issue: $0) }
            throw CommandFailure.problems((lines.isEmpty ? ["\(file): \(error.detail)"] : lines).joined(separator: "\n")).exit()
        } catch {
            throw CommandFailure.usage("\(file): \(error.code): \(error.detail)").exit()
        }
    }
}

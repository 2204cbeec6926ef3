import ArgumentParser
import Foundation
import SWGateDomain
import SWGateServer
import SWGateStore

/// `swgate send FILE --to nsw|asw|portal`: validates a Form D and enqueues it for one destination,
/// as if it had arrived; a running gateway delivers it. Exit 1 when the document is invalid.
struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Enqueue a document for a destination as if it had arrived.")

    @Argument(help: "The Form D (XML) to send.")
    var file: String

    @Option(name: .long, help: "Destination: nsw, asw or portal.")
    var to: String

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        guard ["nsw", "asw", "portal"].contains(to) else {
            throw CommandFailure.usage("--to must be nsw, asw or portal, not \(to)").exit()
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CommandFailure.usage("cannot read \(file)").exit()
        }
        let validator: DocumentValidator
        let store: any SubmissionStore
        do {
            validator = try DocumentValidator.standard()
            store = try await OperatorStore.openForIntake(location: storeOptions.path)
        } catch let failure as CommandFailure {
            throw failure.exit()
        } catch {
            throw CommandFailure.store(error).exit()
        }
        let intake = CertificateIntake(store: store, validator: validator, routing: RoutingTable())
        do {
            let accepted = try await intake.send(Array(data), to: [to], source: "operator")
            try? await store.close()
            print("queued \(accepted.id) (message id \(accepted.messageId)) for \(to)")
        } catch where error.code == .invalidDocument {
            let lines = error.issues.map { ValidationOutput.line(file: file, issue: $0) }
            throw CommandFailure.problems((lines.isEmpty ? ["\(file): \(error.detail)"] : lines).joined(separator: "\n")).exit()
        } catch {
            throw CommandFailure.usage("\(error)").exit()
        }
    }
}

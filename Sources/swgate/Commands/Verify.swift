import ArgumentParser
import Foundation
import SWGateSecurity

/// `swgate verify FILE`: every signature of an NSW envelope or AS4 message against the trust store.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify every signature in an NSW envelope or AS4 message; name the check that failed.")

    @Argument(help: "The signed message (- for standard input).")
    var file: String

    @OptionGroup var security: SecurityOptions

    func run() throws {
        do {
            let input = try readInput(file)
            let services = try security.loadServices()
            do throws(SignatureError) {
                switch try SignedMessageKind(bytes: input) {
                case .businessDocument:
                    throw SignatureError(.missingSignature, "a bare business document carries no envelope signatures; sign it first")
                case .nswEnvelope:
                    let result = try services.verifyNSWEnvelope(input)
                    print("\(file): OK: NSW envelope \(result.messageId) from \(result.sender)")
                    print("  Content signature: \(describe(result.contentSignature))")
                    print("  SystemSignature:   \(describe(result.systemSignature))")
                case .as4Message:
                    let result = try services.verifyAS4Message(input)
                    let kind = result.isSignal ? "signal" : "user message"
                    print("\(file): OK: AS4 \(kind) \(result.messageId) from \(result.fromParty ?? "-") to \(result.toParty ?? "-")")
                    print("  WS-Security signature: \(describe(result.signature))")
                }
            } catch {
                throw CommandFailure.problems("\(file): verification failed: \(error.code): \(error.message)")
            }
        } catch let failure as CommandFailure {
            throw failure.exit()
        }
    }

    private func describe(_ signature: VerifiedSignature) -> String {
        let algorithm = signature.signatureMethod.split(separator: "#").last.map(String.init) ?? signature.signatureMethod
        let references = signature.references.map { $0.uri.isEmpty ? "\"\" (whole document)" : $0.uri }.joined(separator: ", ")
        return "\(algorithm) by \(signature.signerSubject) (partner \(signature.partner)) over \(references)"
    }
}

import ArgumentParser
import Foundation
import SWGateSecurity

/// `swgate sign FILE [--as nsw|as4] [--out FILE]`: offline signing with the configured keys.
struct Sign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Wrap a Form D in an NSW envelope or AS4 message and sign it (or sign a prepared envelope).")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case nsw, as4
    }

    @Argument(help: "A bare Form D, or an NSW envelope / AS4 message to complete with signatures (- for standard input).")
    var file: String

    @Option(name: .customLong("as"), help: "Envelope for a bare Form D: nsw (default) or as4.")
    var format: Format = .nsw

    @Option(help: "Write the signed message here instead of standard output.")
    var out: String?

    @OptionGroup var security: SecurityOptions

    func run() throws {
        do {
            let input = try readInput(file)
            let services = try security.loadServices()
            let signed: [UInt8]
            do {
                switch try SignedMessageKind(bytes: input) {
                case .formD: signed = try format == .nsw ? services.signFormDForNSW(input) : services.signFormDForAS4(input)
                case .nswEnvelope: signed = try services.signNSWEnvelope(input)
                case .as4Message: signed = try services.signAS4Message(input)
                }
            } catch {
                throw CommandFailure.problems("\(file): \(error.code): \(error.message)")
            }
            if let out {
                guard FileManager.default.createFile(atPath: out, contents: Data(signed)) else {
                    throw CommandFailure.usage("cannot write \(out)")
                }
            } else {
                FileHandle.standardOutput.write(Data(signed))
            }
        } catch let failure as CommandFailure {
            throw failure.exit()
        }
    }
}

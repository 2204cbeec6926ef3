import ArgumentParser
import Foundation
import SWGateDomain
import SWGateSecurity
import SWGateNSW
import SWGateAS4
import SWGateXML

/// `swgate sign FILE [--as nsw|as4] [--out FILE]`: offline signing with the configured keys.
struct Sign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Wrap a business document (Form D, licence, …) in an NSW envelope or AS4 message and sign it (or sign a prepared envelope).")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case nsw, as4
    }

    @Argument(help: "A bare business document, or an NSW envelope / AS4 message to complete with signatures (- for standard input).")
    var file: String

    @Option(name: .customLong("as"), help: "Envelope for a bare document: nsw (default) or as4 (only for documents carried over AS4).")
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
                case .businessDocument: signed = try wrapAndSign(input, services: services)
                case .nswEnvelope: signed = try services.signNSWEnvelope(input)
                case .as4Message: signed = try services.signAS4Message(input)
                }
            } catch let error as SignatureError {
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

    /// A bare document is recognised by its root element; its profile gives the envelope's codes
    /// and its summary the header. Signing does not validate (`swgate validate` does): like the
    /// first release, it only needs the fields the envelope announces.
    private func wrapAndSign(_ input: [UInt8], services: SecurityServices) throws -> [UInt8] {
        let validator: DocumentValidator
        do { validator = try DocumentValidator.standard() } catch { throw CommandFailure.usage("schemas: \(error)") }
        let root: XMLElement
        do { root = try XMLDocument(bytes: input).root } catch { throw CommandFailure.problems("\(file): \(error)") }
        guard let profile = validator.profiles.profile(for: root) else {
            throw CommandFailure.problems(
                "\(file): <\(root.qualifiedName)> is no document type the gateway knows (\(validator.profiles.expectation)), "
                    + "an NSW envelope or an AS4 message")
        }
        guard let summary = profile.summarize(root) else {
            throw CommandFailure.problems("\(file): the \(profile.documentType) lacks its reference, function, country or issue date")
        }
        switch format {
        case .nsw:
            guard let codes = profile.nsw else { throw CommandFailure.problems("\(file): documents of type \(profile.documentType) are not carried to the NSW") }
            return try services.signForNSW(input, summary: summary, codes: codes)
        case .as4:
            guard let codes = profile.as4 else { throw CommandFailure.problems("\(file): documents of type \(profile.documentType) are not carried over AS4") }
            return try services.signForAS4(input, summary: summary, codes: codes)
        }
    }
}

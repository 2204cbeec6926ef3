import Foundation
import SWGateChannels
import SWGateDomain
import SWGateSecurity
import SWGateStore
import SWGateXML

/// The development PKI, schemas and samples the targets share. The targets run from the
/// repository root (scripts/fuzz.sh), or SWGATE_CERTIFICATES names the PKI directory.
enum FuzzEnvironment {
    static let root = ProcessInfo.processInfo.environment["SWGATE_REPOSITORY"] ?? FileManager.default.currentDirectoryPath
    static let certificates = ProcessInfo.processInfo.environment["SWGATE_CERTIFICATES"] ?? root + "/Certificates"

    static func load<T>(_ what: String, _ body: () throws -> T) -> T {
        do {
            return try body()
        } catch {
            FileHandle.standardError.write(Data("cannot load \(what): \(error)\n".utf8))
            exit(2)
        }
    }

    /// The gateway's own keys and trust (the development configuration).
    static func gateway(engine: SignatureEngine = .native) -> SecurityServices {
        load("the development keys in \(certificates)") {
            try SecurityServices(configuration: .development(directory: certificates), baseDirectory: root, environment: [:], engine: engine)
        }
    }

    /// A partner's keys (`nsw` or `asw`), to sign what that partner sends.
    static func partner(_ partner: SimulatedPartner) -> SecurityServices {
        load("the \(partner.rawValue) keys") { try partner.developmentSecurity(certificates: certificates, baseDirectory: root) }
    }

    static func validator() -> DocumentValidator {
        load("the schemas") { try DocumentValidator.standard() }
    }

    /// A store in a fresh temporary directory (the endpoints and channels need one; the checks fuzzed
    /// here never write to it).
    static func store() -> SQLiteOutboxStore {
        load("a temporary store") {
            let directory = NSTemporaryDirectory() + "swgate-fuzz-\(getpid())"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return try SQLiteOutboxStore(path: directory + "/fuzz.sqlite")
        }
    }

    static func fixture(_ path: String) -> [UInt8] {
        load("fixture \(path)") { Array(try Data(contentsOf: URL(fileURLWithPath: root + "/Tests/SWGateTesting/Fixtures/" + path))) }
    }

    static var formD: [UInt8] { fixture("valid/formd-single-item.xml") }
    static var licence: [UInt8] { fixture("licence/valid/licence-export-precursors.xml") }

    /// The summary intake reads from a bare document of `profile`.
    static func summary(_ document: [UInt8], _ profile: DocumentProfile) -> DocumentSummary {
        load("the summary of a sample") {
            let root = try XMLDocument(bytes: document).root
            guard profile.matches(root), let summary = profile.summarize(root) else { throw FuzzSetupError("not a \(profile.documentType)") }
            return summary
        }
    }

    static var profiles: DocumentProfiles { load("the profiles") { DocumentProfiles.standard(try SchemaCatalog.shared()) } }

    /// A SOAP 1.1 envelope whose Body holds `content` (its XML declaration removed), as the NSW sends.
    static func soap11(_ content: [UInt8]) -> [UInt8] {
        var text = String(decoding: content, as: UTF8.self)
        if text.hasPrefix("<?xml"), let end = text.range(of: "?>") { text = String(text[end.upperBound...]) }
        return Array(
            ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                + text.trimmingCharacters(in: .whitespacesAndNewlines) + "</soap:Body></soap:Envelope>").utf8)
    }
}

struct FuzzSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

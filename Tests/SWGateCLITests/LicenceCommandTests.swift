import Foundation
import SWGateStore
import SWGateTesting
import Testing

/// `swgate validate|sign|verify|send` on the second document type, as an operator runs them.
@Suite("The licence on the command line")
struct LicenceCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let licence = Fixtures.url("licence/valid/licence-export-precursors.xml").path

    @Test("validate: every valid licence passes; each invalid fixture fails naming its rule")
    func validate() async throws {
        let valid = ["licence-export-precursors.xml", "licence-amendment.xml", "licence-revocation.xml"].map {
            Fixtures.url("licence/valid/" + $0).path
        }
        let ok = try await CommandRunner.swgate(["validate"] + valid)
        #expect(ok.status == 0, "\(ok.standardOutput)\(ok.standardError)")
        for rule in ["LIC-QUANTITY", "LIC-UNIT", "LIC-VALIDITY-ORDER"] {
            let result = try await CommandRunner.swgate(["validate", Fixtures.url("licence/invalid/\(rule).xml").path])
            #expect(result.status == 1)
            #expect(result.standardOutput.contains(": \(rule): "), "\(result.standardOutput)")
        }
    }

    @Test("sign --as nsw wraps the licence in a signed NSW envelope that verify accepts; --as as4 is refused")
    func signAndVerify() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let environment = ["SWGATE_CERTIFICATES": Self.root + "/Certificates"]
        let signed = try await CommandRunner.swgate(["sign", Self.licence, "--out", directory.path("signed.xml")], environment: environment)
        #expect(signed.status == 0, "\(signed.standardError)")
        let envelope = try String(contentsOfFile: directory.path("signed.xml"), encoding: .utf8)
        #expect(envelope.contains("<documentType>IMPORT_EXPORT_LICENCE</documentType>"))
        let verified = try await CommandRunner.swgate(["verify", directory.path("signed.xml")], environment: environment)
        #expect(verified.status == 0, "\(verified.standardError)")
        #expect(verified.standardOutput.contains("OK: NSW envelope"))
        let as4 = try await CommandRunner.swgate(["sign", Self.licence, "--as", "as4"], environment: environment)
        #expect(as4.status == 1)
        #expect(as4.standardError.contains("not carried over AS4"), "\(as4.standardError)")
    }

    @Test("send queues a licence for the NSW; for the ASW it is refused (exit 2) and nothing is queued")
    func send() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = directory.path("s.sqlite")
        let ok = try await CommandRunner.swgate(["send", Self.licence, "--to", "nsw", "--store", store])
        #expect(ok.status == 0, "\(ok.standardError)")
        let refused = try await CommandRunner.swgate(["send", Self.licence, "--to", "asw", "--store", store])
        #expect(refused.status == 2)
        #expect(refused.standardError.contains("as4"), "\(refused.standardError)")
        let opened = try SQLiteOutboxStore(path: store)
        defer { try? opened.close() }
        let listed = try await opened.deliveries(matching: DeliveryFilter())
        #expect(listed.map(\.destination) == ["nsw"])
    }
}

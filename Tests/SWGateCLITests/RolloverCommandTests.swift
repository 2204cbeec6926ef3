import Foundation
import SWGateSecurity
import SWGateTesting
import Testing

/// `security.system_keys` through the command line: `certs check` shows each key's place in the
/// schedule and warns when the key in force ends with no successor; `sign` signs with the key in force.
@Suite("Certificate rollover on the command line")
struct RolloverCommandTests {
    static let certificates = SimulateCommandTests.root + "/Certificates"

    static func configuration(_ directory: TemporaryDirectory, keys: String, extra: String = "") throws -> String {
        let d = certificates
        return try directory.write(
            "keys.yaml",
            Array(
                """
                security:
                  system_keys:
                \(keys)
                  trust_anchors: [\(d)/ca.pem]
                  crls: [\(d)/crl.pem]
                  local_party: {name: Ministry of Industry and Trade, identity: MOIT-VN, country_code: VN, ministry_code: MOIT, organization_code: XNK}
                  nsw_party: {name: National Single Window, identity: NSW-VN, country_code: VN, ministry_code: MOF, organization_code: GDVC}
                  partners:
                    - {id: NSW-VN, certificate_files: [\(d)/nsw.pem]}
                    - {id: TH, certificate_files: [\(d)/asw.pem]}
                    - {id: MOIT-VN, certificate_files: [\(d)/gateway.pem, \(d)/ecdsa.pem]}
                \(extra)
                """.utf8))
    }

    static func instant(_ offset: TimeInterval) -> String {
        Date().addingTimeInterval(offset).formatted(.iso8601)
    }

    @Test(
        "Old key in force with a successor from a date: certs check OK for both and says who takes over; sign uses the old key, then the new once its period starts"
    )
    func schedule() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let d = Self.certificates
        // gateway signs for 10 more days, ecdsa from 5 days on.
        let ahead = try Self.configuration(
            directory,
            keys: """
                    - {key: \(d)/gateway.key, certificate: \(d)/gateway.pem, use_until: \(Self.instant(10 * 86_400))}
                    - {key: \(d)/ecdsa.key, certificate: \(d)/ecdsa.pem, use_from: \(Self.instant(5 * 86_400))}
                """)
        let check = try await CommandRunner.swgate(["certs", "check", "--config", ahead, "--json"])
        #expect(check.status == 0, "\(check.standardOutput)\(check.standardError)")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(check.standardOutput.utf8)) as? [[String: Any]])
        let first = try #require(entries.first { $0["role"] as? String == "system key 1" })
        #expect(first["status"] as? String == "ok")
        #expect((first["detail"] as? String)?.contains("then the next key takes over") == true, "\(first)")
        let second = try #require(entries.first { $0["role"] as? String == "system key 2" })
        #expect((second["detail"] as? String)?.hasPrefix("next: signs from") == true, "\(second)")

        let signed = try await CommandRunner.swgate(["sign", Fixtures.url("valid/formd-single-item.xml").path, "--config", ahead])
        #expect(signed.status == 0, "\(signed.standardError)")
        let old = try Certificate.load(pemFile: d + "/gateway.pem")[0].base64
        let new = try Certificate.load(pemFile: d + "/ecdsa.pem")[0].base64
        #expect(signed.standardOutput.contains(old) && !signed.standardOutput.contains(new))

        // The new key's period has begun (an overlap): it signs, and the message verifies.
        let begun = try Self.configuration(
            directory,
            keys: """
                    - {key: \(d)/gateway.key, certificate: \(d)/gateway.pem, use_until: \(Self.instant(10 * 86_400))}
                    - {key: \(d)/ecdsa.key, certificate: \(d)/ecdsa.pem, use_from: \(Self.instant(-86_400))}
                """)
        let output = directory.path("envelope.xml")
        let newer = try await CommandRunner.swgate(["sign", Fixtures.url("valid/formd-single-item.xml").path, "--config", begun, "--out", output])
        #expect(newer.status == 0, "\(newer.standardError)")
        let envelope = try String(contentsOfFile: output, encoding: .utf8)
        #expect(envelope.contains(new) && !envelope.contains(old))
        let verified = try await CommandRunner.swgate(["verify", output, "--config", begun])
        #expect(verified.status == 0, "\(verified.standardOutput)\(verified.standardError)")
    }

    @Test("The key in force ending within the window with no successor is a WARNING (exit 0); the window comes from certificates.expiry_warning")
    func noSuccessor() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let d = Self.certificates
        let keys = """
                - {key: \(d)/gateway.key, certificate: \(d)/gateway.pem, use_until: \(Self.instant(10 * 86_400))}
                - {key: \(d)/ecdsa.key, certificate: \(d)/ecdsa.pem, use_from: \(Self.instant(20 * 86_400))}
            """
        let file = try Self.configuration(directory, keys: keys)
        let check = try await CommandRunner.swgate(["certs", "check", "--config", file])
        #expect(check.status == 0, "\(check.standardError)")
        #expect(check.standardOutput.contains("WARNING: system key 1: "), "\(check.standardOutput)")
        #expect(check.standardOutput.contains("no configured key takes over"))
        // A 7-day window from the configuration: 10 days ahead is not yet a warning.
        let narrow = try Self.configuration(directory, keys: keys, extra: "certificates: {expiry_warning: 7d}")
        let quiet = try await CommandRunner.swgate(["certs", "check", "--config", narrow])
        #expect(quiet.status == 0)
        #expect(!quiet.standardOutput.contains("WARNING: system key 1"), "\(quiet.standardOutput)")
    }
}

import Foundation
import SWGateTesting
import Testing

/// Runs the built `swgate` binary: sign → verify round trips, failures named, certs check.
@Suite struct SignVerifyCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let formD = root + "/Tests/SWGateSecurityTests/Resources/form-d-minimal.xml"

    /// The `swgate` executable in the build products directory next to the test bundle.
    static let binary: String? = {
        let candidates = [
            Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle(for: Marker.self).bundleURL.deletingLastPathComponent(),
        ]
        return candidates.map { $0.appendingPathComponent("swgate").path }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    final class Marker {}

    struct Result {
        let status: Int32
        let output: String
        let error: String
    }

    /// Runs swgate with SWGATE_HOME at the repository (development PKI), killing it after 60 s.
    func swgate(_ arguments: [String], in directory: String) async throws -> Result {
        let binary = try #require(Self.binary, "swgate binary not found next to the test bundle")
        let result = try await CommandRunner.run(binary, arguments, environment: ["SWGATE_HOME": Self.root], currentDirectory: directory)
        return Result(status: result.status, output: result.standardOutput, error: result.standardError)
    }

    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "swgate-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test(arguments: ["nsw", "as4"])
    func signThenVerifyRoundTrip(format: String) async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let signed = try await swgate(["sign", Self.formD, "--as", format, "--out", "signed.xml"], in: directory)
        #expect(signed.status == 0, "\(signed.error)")
        let verified = try await swgate(["verify", "signed.xml"], in: directory)
        #expect(verified.status == 0, "\(verified.error)")
        #expect(verified.output.contains("OK: " + (format == "nsw" ? "NSW envelope" : "AS4 user message")))
        // Without --out the signed message goes to standard output.
        let stdout = try await swgate(["sign", Self.formD, "--as", format], in: directory)
        #expect(stdout.status == 0)
        #expect(stdout.output.hasPrefix("<?xml"))
    }

    @Test func verifyFailureExitsOneAndNamesTheCheck() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try await swgate(["sign", Self.formD, "--out", "signed.xml"], in: directory)
        let text = try String(contentsOfFile: directory + "/signed.xml", encoding: .utf8)
        try text.replacingOccurrences(of: "Frozen shrimp", with: "Frozen shrimps").write(
            toFile: directory + "/tampered.xml", atomically: true, encoding: .utf8)
        let tampered = try await swgate(["verify", "tampered.xml"], in: directory)
        #expect(tampered.status == 1)
        #expect(tampered.error.contains("digestMismatch"))
        // Signed with a key from an unknown CA.
        let rogue = try await swgate(
            [
                "sign", Self.formD, "--key", Self.root + "/Certificates/rogue.key",
                "--cert", Self.root + "/Certificates/rogue.pem", "--out", "rogue.xml",
            ], in: directory)
        #expect(rogue.status == 0)
        let untrusted = try await swgate(["verify", "rogue.xml"], in: directory)
        #expect(untrusted.status == 1)
        #expect(untrusted.error.contains("untrustedCertificate"))
    }

    @Test func certsCheckReportsExpiryAndFailsOnExpired() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let healthy = try await swgate(["certs", "check"], in: directory)
        #expect(healthy.status == 0, "\(healthy.output)\(healthy.error)")
        #expect(healthy.output.contains("0 failing"))
        let warning = try await swgate(["certs", "check", "--days", "5000"], in: directory)
        #expect(warning.status == 0)
        #expect(warning.output.contains("WARNING"))
        let expired = try await swgate(
            [
                "certs", "check", "--key", Self.root + "/Certificates/expired.key",
                "--cert", Self.root + "/Certificates/expired.pem", "--json",
            ], in: directory)
        #expect(expired.status == 1)
        let report = try JSONSerialization.jsonObject(with: Data(expired.output.utf8)) as? [[String: Any]]
        #expect(report?.first?["status"] as? String == "expired")
        #expect(report?.first?["role"] as? String == "system key")
    }

    @Test func missingKeyIsAConfigurationError() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try await swgate(["sign", Self.formD, "--key", "nope.key", "--cert", "nope.pem"], in: directory)
        #expect(result.status == 2)
        #expect(result.error.contains("keyLoadFailed"))
    }

    @Test func configuredKeysSignAndVerify() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pki = Self.root + "/Certificates"
        let yaml = """
            security:
              system_key: {format: pkcs12, key: \(pki)/gateway.p12, passphrase_env: SWGATE_CLI_TEST_PASSPHRASE}
              trust_anchors: [\(pki)/ca.pem]
              local_party: {name: Ministry, identity: MOIT-VN, country_code: VN, ministry_code: MOIT, organization_code: XNK}
              nsw_party: {name: NSW, identity: NSW-VN, country_code: VN, ministry_code: MOF, organization_code: GDVC}
              partners:
                - {id: MOIT-VN, certificate_files: [\(pki)/gateway.pem]}
                - {id: NSW-VN, certificate_files: [\(pki)/nsw.pem]}
                - {id: TH, certificate_files: [\(pki)/asw.pem]}

            """
        try yaml.write(toFile: directory + "/swgate.yaml", atomically: true, encoding: .utf8)
        // The passphrase variable is unset: the key cannot be loaded, and the error names the variable.
        let locked = try await swgate(["sign", Self.formD, "--config", "swgate.yaml", "--out", "signed.xml"], in: directory)
        #expect(locked.status == 2)
        #expect(locked.error.contains("SWGATE_CLI_TEST_PASSPHRASE"), "\(locked.error)")
        setenv("SWGATE_CLI_TEST_PASSPHRASE", "swgate-test-only", 1)
        let signed = try await swgate(["sign", Self.formD, "--config", "swgate.yaml", "--out", "signed.xml"], in: directory)
        #expect(signed.status == 0, "\(signed.error)")
        let verified = try await swgate(["verify", "--config", "swgate.yaml", "signed.xml"], in: directory)
        #expect(verified.status == 0, "\(verified.error)")
        // A configuration that does not list the signer as a partner refuses the same message.
        try yaml.replacingOccurrences(
            of: "- {id: MOIT-VN, certificate_files: [\(pki)/gateway.pem]}", with: "- {id: MOIT-VN, subjects: [CN=someone-else]}"
        )
        .write(toFile: directory + "/other.yaml", atomically: true, encoding: .utf8)
        let refused = try await swgate(["verify", "--config", "other.yaml", "signed.xml"], in: directory)
        #expect(refused.status == 1, "\(refused.output)\(refused.error)")
        let badConfig = try await swgate(["verify", "--config", "missing.yaml", "signed.xml"], in: directory)
        #expect(badConfig.status == 2)
        #expect(badConfig.error.contains("missing.yaml"))
    }
}

import Foundation
import SWGateTesting
import Testing

/// `swgate` as an operator installs it: the binary copied alone into a directory, run from another
/// directory that does not lead to the source tree, with keys and store given by a configuration.
/// Every run of the copy happens with the source tree (the build directory included) hidden from
/// it: in a mount namespace of its own, an empty file system is mounted over the repository, so
/// anything the binary would still read from the build tree is simply not there.
@Suite("The installed binary", .serialized)
struct InstalledBinaryTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path

    /// A copy of the built `swgate` alone in `bin/`, and an empty working directory `run/`.
    struct Installation {
        let root: TemporaryDirectory
        var binary: String { root.path("bin/swgate") }
        var run: String { root.path("run") }

        init() throws {
            root = try TemporaryDirectory(prefix: "swgate-install")
            try FileManager.default.createDirectory(atPath: root.path("bin"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: root.path("run"), withIntermediateDirectories: true)
            try Self.copyExecutable(from: CommandRunner.swgatePath, to: root.path("bin/swgate"))
        }

        func swgate(_ arguments: [String], environment: [String: String] = [:]) async throws -> CommandResult {
            let (program, wrapped) = Self.withSourceTreeHidden(binary, arguments)
            return try await Self.retryingWhileBusy {
                try await CommandRunner.run(program, wrapped, environment: environment, currentDirectory: run, timeout: 60)
            }
        }

        /// `swgate serve --config swgate.yaml` started in `run/`, left running once it says where it
        /// listens; its logs go to a file of the installation, quoted if it does not start.
        func serve(environment: [String: String] = [:]) async throws -> ChildProcess {
            let (program, wrapped) = Self.withSourceTreeHidden(binary, ["serve", "--config", "swgate.yaml"])
            let log = root.path("serve-\(UUID().uuidString).log")
            return try await Self.retryingWhileBusy {
                try await ChildProcess(wrapped, executable: program, currentDirectory: run, environment: environment, standardError: log)
            }
        }

        /// `binary arguments` run by `unshare` in a private mount namespace where an empty tmpfs
        /// covers the repository (and so `.build`); the shell checks the tree is gone, then execs
        /// the binary in its own place (same process id, signals reach it). Needs root, as CI has.
        static func withSourceTreeHidden(_ binary: String, _ arguments: [String]) -> (String, [String]) {
            let script = #"mount -t tmpfs -o size=64k swgate-hidden "$0" && test ! -e "$0/Package.swift" && exec "$@""#
            return ("/usr/bin/unshare", ["--mount", "--propagation", "private", "--", "/bin/sh", "-c", script, repository, binary] + arguments)
        }

        /// Copies the binary through a descriptor opened close-on-exec. A copy written through a
        /// plain descriptor can be inherited by a child another test spawns at that moment, and
        /// the kernel refuses to execute a file still open for writing ("Text file busy").
        static func copyExecutable(from source: String, to destination: String) throws {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: source))
            let descriptor = open(destination, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
            guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            defer { close(descriptor) }
            try bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    guard written > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                    offset += written
                }
            }
        }

        /// Runs `launch` again while it fails with ETXTBSY: between another test's fork and exec,
        /// the child still holds every descriptor the parent had open, the copy's included. The
        /// window is short; 50 tries 20 ms apart bound it.
        static func retryingWhileBusy<T>(_ launch: () async throws -> T) async throws -> T {
            for _ in 0..<50 {
                do { return try await launch() } catch let error as NSError where Self.isTextFileBusy(error) {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            return try await launch()
        }

        static func isTextFileBusy(_ error: NSError) -> Bool {
            if error.domain == NSPOSIXErrorDomain && error.code == Int(ETXTBSY) { return true }
            guard let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError else { return false }
            return isTextFileBusy(underlying)
        }

        /// Copies the files a production-like `security` section names into `run/keys/` and writes
        /// `run/swgate.yaml` naming them, relative to the working directory.
        func writeConfiguration(extra: String = "") throws {
            try FileManager.default.createDirectory(atPath: run + "/keys", withIntermediateDirectories: true)
            for name in ["gateway.key", "gateway.pem", "ca.pem", "nsw.pem", "asw.pem"] {
                try FileManager.default.copyItem(atPath: repository + "/Certificates/" + name, toPath: run + "/keys/" + name)
            }
            let yaml = """
                listen:
                  port: 0
                store:
                  path: state/outbox.sqlite
                security:
                  system_key: {key: keys/gateway.key, certificate: keys/gateway.pem}
                  trust_anchors: [keys/ca.pem]
                  local_party: {name: Ministry, identity: MOIT-VN, country_code: VN, ministry_code: MOIT, organization_code: XNK}
                  nsw_party: {name: NSW, identity: NSW-VN, country_code: VN, ministry_code: MOF, organization_code: GDVC}
                  partners:
                    - {id: MOIT-VN, certificate_files: [keys/gateway.pem]}
                    - {id: NSW-VN, certificate_files: [keys/nsw.pem]}
                    - {id: TH, certificate_files: [keys/asw.pem]}
                log_level: error
                \(extra)
                """
            try yaml.write(toFile: run + "/swgate.yaml", atomically: true, encoding: .utf8)
        }
    }

    @Test("The binary refers to no resource bundle: the schemas are compiled into it")
    func noResourceBundle() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: CommandRunner.swgatePath))
        #expect(bytes.range(of: Data("SWGateSchemas.resources".utf8)) == nil)
    }

    @Test("validate and sign --config work from a directory outside the source tree")
    func validateAndSign() async throws {
        let installation = try Installation()
        defer { installation.root.remove() }
        try FileManager.default.copyItem(atPath: Fixtures.url("valid/formd-single-item.xml").path, toPath: installation.run + "/formd.xml")
        let validated = try await installation.swgate(["validate", "formd.xml"])
        #expect(validated.status == 0, "\(validated.standardOutput)\(validated.standardError)")
        try FileManager.default.copyItem(atPath: Fixtures.url("invalid/FD-RVC-FOB.xml").path, toPath: installation.run + "/invalid.xml")
        let invalid = try await installation.swgate(["validate", "invalid.xml"])
        #expect(invalid.status == 1 && invalid.standardOutput.contains("FD-RVC-FOB"), "\(invalid.standardOutput)\(invalid.standardError)")

        try installation.writeConfiguration()
        let signed = try await installation.swgate(["sign", "formd.xml", "--config", "swgate.yaml", "--out", "signed.xml"])
        #expect(signed.status == 0, "\(signed.standardError)")
        let verified = try await installation.swgate(["verify", "--config", "swgate.yaml", "signed.xml"])
        #expect(verified.status == 0, "\(verified.standardOutput)\(verified.standardError)")

        // Without a configuration the development PKI is looked for, and where is said.
        let unconfigured = try await installation.swgate(["sign", "formd.xml"])
        #expect(unconfigured.status == 2)
        #expect(unconfigured.standardError.contains(installation.run + "/Certificates"), "\(unconfigured.standardError)")
        // A key file that is not there is reported as missing, not as a wrong passphrase.
        try FileManager.default.removeItem(atPath: installation.run + "/keys/gateway.key")
        let missing = try await installation.swgate(["sign", "formd.xml", "--config", "swgate.yaml"])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("no such file: \(installation.run)/keys/gateway.key"), "\(missing.standardError)")
        #expect(!missing.standardError.contains("passphrase"))
    }

    @Test("serve --config starts from any directory, is ready, and accepts and stores a Form D")
    func serveWithConfiguration() async throws {
        let installation = try Installation()
        defer { installation.root.remove() }
        // The partners are not running: the deliveries in flight at shutdown get one second.
        try installation.writeConfiguration(extra: "shutdown_grace: 1s")
        let server = try await installation.serve()
        defer { server.stop() }
        #expect(server.firstLine.contains("listening on"), "\(server.firstLine)")
        let port = server.port
        let health = try #require(try await httpGet(port: port, path: "/healthz"), "no answer on port \(port)")
        #expect(health.hasPrefix("HTTP/1.1 200"), "\(health)")
        let ready = try #require(try await httpGet(port: port, path: "/readyz"), "no answer on port \(port)")
        #expect(ready.hasPrefix("HTTP/1.1 200"), "\(ready)")
        let formD = try Data(contentsOf: Fixtures.url("valid/formd-single-item.xml"))
        let accepted = try #require(
            try await httpRequest(
                port: port, "POST", "/v1/documents", headers: ["Content-Type: application/xml", "Authorization: Bearer swgate-dev-token"],
                body: [UInt8](formD)), "no answer on port \(port)")
        #expect(accepted.hasPrefix("HTTP/1.1 202"), "\(accepted)")
        #expect(FileManager.default.fileExists(atPath: installation.run + "/state/outbox.sqlite"))
        let stats = try await installation.swgate(["outbox", "stats", "--json", "--config", "swgate.yaml"])
        #expect(stats.status == 0, "\(stats.standardError)")
        #expect(stats.standardOutput.contains("\"messages\":1") || stats.standardOutput.contains("\"messages\" : 1"), "\(stats.standardOutput)")
    }

    @Test("A gateway killed with SIGKILL leaves its schema copy behind; the next swgate removes it and keeps a running one's")
    func abandonedSchemaCopiesRemoved() async throws {
        let installation = try Installation()
        defer { installation.root.remove() }
        try installation.writeConfiguration()
        try FileManager.default.copyItem(atPath: Fixtures.url("valid/formd-single-item.xml").path, toPath: installation.run + "/formd.xml")
        let temporary = installation.root.path("tmp")
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        let environment = ["TMPDIR": temporary]
        func copies() throws -> Set<String> {
            Set(try FileManager.default.contentsOfDirectory(atPath: temporary).filter { $0.hasPrefix("swgate-schemas-") })
        }
        let killed = try await installation.serve(environment: environment)
        let abandoned = try copies()
        #expect(abandoned.count == 1, "\(abandoned)")
        killed.kill()
        #expect(try copies() == abandoned, "a killed process cannot remove its own copy")

        let running = try await installation.serve(environment: environment)
        defer { running.stop() }
        let live = try copies().subtracting(abandoned)
        #expect(live.count == 1, "\(live)")

        // `validate` writes a copy of its own, removing the abandoned one first, and its own at exit.
        let validated = try await installation.swgate(["validate", "formd.xml"], environment: environment)
        #expect(validated.status == 0, "\(validated.standardOutput)\(validated.standardError)")
        #expect(try copies() == live, "the running gateway's copy is kept, the killed one's removed")
    }

    @Test("serve without keys exits 2, says where it looked, prints deprecations, and leaves the directory empty")
    func refusedStartChangesNothing() async throws {
        let installation = try Installation()
        defer { installation.root.remove() }
        let config = installation.root.path("old.yaml")
        try "shutdown_grace_seconds: 5\n".write(toFile: config, atomically: true, encoding: .utf8)
        let refused = try await installation.swgate(["serve", "--config", config])
        #expect(refused.status == 2)
        #expect(refused.standardError.contains(installation.run + "/Certificates"), "\(refused.standardError)")
        #expect(refused.standardError.contains("SWGATE_CERTIFICATES"))
        #expect(refused.standardError.contains("old.yaml:1:1: shutdown_grace_seconds:"), "\(refused.standardError)")
        #expect(refused.standardError.contains("shutdown_grace: 5s"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: installation.run).isEmpty)
        let bare = try await installation.swgate(["serve"])
        #expect(bare.status == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: installation.run).isEmpty)
    }
}

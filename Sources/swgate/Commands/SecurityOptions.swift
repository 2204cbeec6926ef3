import ArgumentParser
import Foundation
import SWGateSecurity
import SWGateServer

/// Options shared by `sign`, `verify` and `certs check`: where keys and trust come from.
///
/// With `--config`, the keys, trust anchors and partners of that gateway configuration (its
/// `security` section, else its development PKI directory), exactly as `swgate serve` loads them.
/// Without it: the development PKI (`$SWGATE_CERTIFICATES`, else `Certificates/`) looked for in
/// `$SWGATE_HOME` or the current directory, then beside the executable.
struct SecurityOptions: ParsableArguments {
    @Option(help: "Gateway configuration file (YAML) whose keys, trust anchors and partners to use, as `swgate serve --config` does.")
    var config: String?

    @Option(help: "Private key (PEM) to sign with; overrides the configured system key.")
    var key: String?

    @Option(help: "Certificate (PEM) of --key.")
    var cert: String?

    @Option(help: "Trust anchor file (PEM); repeat for several. Replaces the configured anchors.")
    var trust: [String] = []

    @Option(help: "Environment variable holding the passphrase of an encrypted --key.")
    var passphraseEnv: String?

    /// The gateway's home directory: `$SWGATE_HOME`, else the current directory.
    var home: String {
        ProcessInfo.processInfo.environment["SWGATE_HOME"] ?? FileManager.default.currentDirectoryPath
    }

    /// Loads the configuration with the command-line overrides; a failure is a configuration
    /// error (exit 2) that names what could not be loaded.
    func loadServices() throws -> SecurityServices {
        try loadServices(gateway: gatewayConfiguration())
    }

    /// The gateway configuration `--config` names (or the embedded defaults); a bad one exits 2.
    func gatewayConfiguration() throws -> GatewayConfiguration {
        do {
            return try loadConfiguration(file: config)
        } catch {
            throw CommandFailure.usage("configuration: \(error)")
        }
    }

    /// ``loadServices()`` for an already loaded `gateway` configuration.
    func loadServices(gateway: GatewayConfiguration) throws -> SecurityServices {
        let base = config == nil ? home : FileManager.default.currentDirectoryPath
        var configuration: SecurityConfiguration
        do {
            configuration = try gateway.security ?? .development(directory: DevelopmentPKI.locate(gateway.certificatesDirectory, baseDirectory: base))
        } catch {
            throw CommandFailure.usage("\(error)")
        }
        if key != nil || cert != nil {
            guard let key, let cert else {
                throw CommandFailure.usage("--key and --cert go together")
            }
            configuration.systemKey = KeySource(
                keyPath: absolute(key), certificatePath: absolute(cert),
                passphraseEnvironmentVariable: passphraseEnv)
            configuration.systemKeySchedule = []
        }
        if !trust.isEmpty { configuration.trustAnchors = trust.map(absolute) }
        do {
            return try SecurityServices(configuration: configuration, baseDirectory: base)
        } catch {
            throw CommandFailure.usage("configuration: \(error)")
        }
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}

/// Reads a whole file, or standard input for `-` (or exits 2 naming it).
func readInput(_ path: String) throws -> [UInt8] {
    let handle = path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path)
    guard let handle, let data = try? handle.readToEnd() else {
        throw CommandFailure.usage("cannot read \(path)")
    }
    return Array(data)
}

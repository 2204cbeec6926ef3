import SWGateXML
/// Where a private key and its certificate come from (configuration, Codable).
public struct KeySource: Codable, Sendable, Hashable {
    /// The key container's format.
    public enum Format: String, Codable, Sendable {
        /// A PEM private key (optionally encrypted) plus a PEM certificate file.
        case pem
        /// A PKCS#12 file holding key and certificate(s).
        case pkcs12
    }

    /// PEM or PKCS#12.
    public var format: Format
    /// The private key file (PEM) or the PKCS#12 file.
    public var keyPath: String
    /// The certificate file (PEM; leaf first, optional chain after). Unused for PKCS#12.
    public var certificatePath: String?
    /// The name of the environment variable that holds the passphrase, if the key is encrypted.
    /// The passphrase itself never appears in configuration.
    public var passphraseEnvironmentVariable: String?

    /// A key source; paths may be relative to the home directory.
    public init(format: Format = .pem, keyPath: String, certificatePath: String? = nil,
                passphraseEnvironmentVariable: String? = nil) {
        self.format = format
        self.keyPath = keyPath
        self.certificatePath = certificatePath
        self.passphraseEnvironmentVariable = passphraseEnvironmentVariable
    }

    /// The same source with relative paths resolved against `directory`.
    public func resolved(against directory: String) -> KeySource {
        var copy = self
        copy.keyPath = resolvePath(keyPath, against: directory)
        copy.certificatePath = certificatePath.map { resolvePath($0, against: directory) }
        return copy
    }
}

/// `path` if absolute, else `directory/path`.
func resolvePath(_ path: String, against directory: String) -> String {
    if path.hasPrefix("/") || directory.isEmpty { return path }
    return directory.hasSuffix("/") ? directory + path : directory + "/" + path
}

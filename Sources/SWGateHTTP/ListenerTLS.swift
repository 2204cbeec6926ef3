public import NIOSSL

/// TLS for the gateway's listener, from PEM files: the server's certificate chain and key and,
/// optionally, the CA certificates that client certificates must chain to (mutual TLS).
public struct ListenerTLS: Sendable, Hashable {
    public var certificateChainPath: String
    public var privateKeyPath: String
    /// When set, a client without a certificate issued under these roots cannot connect.
    public var clientCAPath: String?

    public init(certificateChainPath: String, privateKeyPath: String, clientCAPath: String? = nil) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.clientCAPath = clientCAPath
    }

    /// The server configuration: TLS 1.2 or later; with `clientCAPath`, client certificates are
    /// required and verified against it (no hostname check: clients are not named by host). Revocation is
    /// not checked here: give ``EndpointHost`` a ``ClientCertificateCheck`` for that (the gateway does).
    /// - Throws: NIOSSL's error when a file is missing or not PEM (the message names no key material).
    public func configuration() throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(certificateChainPath).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        if let clientCAPath {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(clientCAPath))
            configuration.certificateVerification = .noHostnameVerification
        }
        return configuration
    }
}

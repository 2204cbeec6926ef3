internal import CXMLSec
public import Foundation

/// A private key with its certificate, loaded once and shared by every signature.
///
/// Duplicating key and certificate per signature costs about 90 µs on this machine; instead the
/// one `xmlSecKey` is lent to each signing context and taken back before the context is freed.
///
/// `@unchecked Sendable`: the key is never modified after loading. During signing xmlsec only
/// reads it (it takes its own reference to the `EVP_PKEY` with `EVP_PKEY_up_ref`, which is
/// atomic, and reads the certificates to write KeyInfo), so concurrent signatures are safe.
public final class SigningIdentity: @unchecked Sendable {
    let key: UnsafeMutablePointer<xmlSecKey>
    /// The signer's certificate.
    public let certificate: Certificate

    /// Loads `source` (relative paths already resolved). The passphrase, if any, is read from
    /// the environment variable the source names.
    public init(source: KeySource, environment: [String: String] = ProcessInfo.processInfo.environment) throws(SignatureError) {
        try XMLSecLibrary.ensureInitialized()
        var passphrase: String?
        if let variable = source.passphraseEnvironmentVariable {
            guard let value = environment[variable] else {
                throw SignatureError(.keyLoadFailed, "passphrase variable \(variable) is not set")
            }
            passphrase = value
        }
        XMLSecLibrary.clearErrors()
        let loaded: UnsafeMutablePointer<xmlSecKey>?
        switch source.format {
        case .pem:
            loaded = xmlSecOpenSSLAppKeyLoad(source.keyPath, xmlSecKeyDataFormatPem, passphrase, nil, nil)
        case .pkcs12:
            loaded = xmlSecOpenSSLAppPkcs12Load(source.keyPath, passphrase, nil, nil)
        }
        guard let loaded else {
            _ = XMLSecLibrary.takeError()  // may quote the file; never the key
            throw SignatureError(.keyLoadFailed, "cannot load the private key from \(source.keyPath) (wrong passphrase, format or file)")
        }
        if source.format == .pem {
            guard let certificatePath = source.certificatePath else {
                xmlSecKeyDestroy(loaded)
                throw SignatureError(.keyLoadFailed, "a PEM key needs a certificatePath")
            }
            guard xmlSecOpenSSLAppKeyCertLoad(loaded, certificatePath, xmlSecKeyDataFormatPem) >= 0 else {
                xmlSecKeyDestroy(loaded)
                throw SignatureError(.keyLoadFailed, "cannot load certificate \(certificatePath): \(XMLSecLibrary.takeError())")
            }
        }
        guard let cert = Self.matchingCertificate(of: loaded), X509_up_ref(cert) == 1 else {
            xmlSecKeyDestroy(loaded)
            throw SignatureError(.keyLoadFailed, "no certificate matches the private key in \(source.keyPath)")
        }
        do {
            certificate = try Certificate(taking: cert)
        } catch {
            xmlSecKeyDestroy(loaded)
            throw error
        }
        key = loaded
    }

    deinit { xmlSecKeyDestroy(key) }

    /// The certificate among the key's X.509 data whose public key belongs to the private key.
    private static func matchingCertificate(of key: UnsafeMutablePointer<xmlSecKey>) -> OpaquePointer? {
        guard let value = xmlSecKeyGetValue(key), let privateKey = xmlSecOpenSSLEvpKeyDataGetEvp(value),
              let data = xmlSecKeyGetData(key, xmlSecOpenSSLKeyDataX509GetKlass())
        else { return nil }
        if let keyCert = xmlSecOpenSSLKeyDataX509GetKeyCert(data) { return keyCert }
        for index in 0..<xmlSecOpenSSLKeyDataX509GetCertsSize(data) {
            if let cert = xmlSecOpenSSLKeyDataX509GetCert(data, index), X509_check_private_key(cert, privateKey) == 1 {
                return cert
            }
        }
        _ = XMLSecLibrary.drainOpenSSLErrors()
        return nil
    }
}

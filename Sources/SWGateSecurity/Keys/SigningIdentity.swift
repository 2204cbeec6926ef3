import SWGateXML
internal import CXMLSec
public import Foundation
import Synchronization

/// A private key with its certificate, loaded once and shared by every signature.
///
/// Duplicating key and certificate per signature costs about 90 µs on this machine; instead the
/// one `xmlSecKey` is lent to each signing context and taken back before the context is freed.
///
/// `@unchecked Sendable`: the key is never modified after loading. During signing xmlsec only
/// reads it (it takes its own reference to the `EVP_PKEY` with `EVP_PKEY_up_ref`, which is
/// atomic, and reads the certificates to write KeyInfo), so concurrent signatures are safe.
/// The native engine signs with a ``PreparedKeyOperation`` per digest, prepared once from the
/// same `EVP_PKEY` and duplicated per signature (all per-signature state lives in the copy).
public final class SigningIdentity: @unchecked Sendable {
    let key: UnsafeMutablePointer<xmlSecKey>
    /// The private key inside ``key`` (owned by it), for the native engine's `EVP_DigestSign`.
    let privateKey: OpaquePointer
    /// The certificates xmlsec holds with the key, base64 DER in its order: what
    /// `KeyInfo/X509Data` carries (computed once instead of per signature).
    let keyCertificatesBase64: [String]
    /// The signer's certificate.
    public let certificate: Certificate
    /// Prepared signing contexts by digest NID (one or two entries: the identity's method).
    private let signers = Mutex<[Int32: PreparedKeyOperation]>([:])

    /// Loads `source` (relative paths already resolved). The passphrase, if any, is read from
    /// the environment variable the source names.
    public init(source: KeySource, environment: [String: String] = ProcessInfo.processInfo.environment) throws(SignatureError) {
        try XMLSecLibrary.ensureInitialized()
        // A missing file is said to be missing, not reported as a wrong passphrase or format.
        for path in [source.keyPath] + (source.certificatePath.map { [$0] } ?? []) where !FileManager.default.fileExists(atPath: path) {
            throw SignatureError(.keyLoadFailed, "no such file: \(path)")
        }
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
            keyCertificatesBase64 = try Self.certificatesBase64(of: loaded)
        } catch {
            xmlSecKeyDestroy(loaded)
            throw error
        }
        guard let value = xmlSecKeyGetValue(loaded), let evp = xmlSecOpenSSLEvpKeyDataGetEvp(value) else {
            xmlSecKeyDestroy(loaded)
            throw SignatureError(.keyLoadFailed, "the key in \(source.keyPath) is not an OpenSSL private key")
        }
        privateKey = evp
        key = loaded
    }

    deinit { xmlSecKeyDestroy(key) }

    /// The signing context for `digest` (an `EVP_MD` from ``FetchedDigest``), prepared on first use.
    func signer(for digest: OpaquePointer) throws(SignatureError) -> PreparedKeyOperation {
        let type = EVP_MD_get_type(digest)
        if let signer = signers.withLock({ $0[type] }) { return signer }
        let signer = try PreparedKeyOperation(key: privateKey, digest: digest, kind: .sign)
        signers.withLock { $0[type] = signer }
        return signer
    }

    /// Every certificate of the key's X.509 data as base64 DER (xmlsec writes all of them).
    private static func certificatesBase64(of key: UnsafeMutablePointer<xmlSecKey>) throws(SignatureError) -> [String] {
        guard let data = xmlSecKeyGetData(key, xmlSecOpenSSLKeyDataX509GetKlass()) else { return [] }
        var result: [String] = []
        for index in 0..<xmlSecOpenSSLKeyDataX509GetCertsSize(data) {
            guard let cert = xmlSecOpenSSLKeyDataX509GetCert(data, index) else { continue }
            var buffer: UnsafeMutablePointer<UInt8>?
            let length = i2d_X509(cert, &buffer)
            guard length > 0, let buffer else {
                throw SignatureError(.keyLoadFailed, "cannot encode a certificate of the key: \(XMLSecLibrary.drainOpenSSLErrors().joined(separator: "; "))")
            }
            result.append(Base64.encode(Array(UnsafeBufferPointer(start: buffer, count: Int(length)))))
            swg_opensslFree(buffer)
        }
        return result
    }

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

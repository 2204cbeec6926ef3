import SWGateXML
internal import CXMLSec
public import Foundation
import Synchronization

/// An X.509 certificate (OpenSSL `X509`), with the facts the gateway checks precomputed.
///
/// `@unchecked Sendable`: the `X509` is never modified after loading; OpenSSL's read-only
/// accessors and `X509_verify_cert` on a shared certificate are thread-safe (OpenSSL 3 guards
/// its internal caches, e.g. the extension cache, with locks). Freed once, in `deinit`.
public final class Certificate: @unchecked Sendable {
    let x509: OpaquePointer
    /// The DER encoding.
    public let der: [UInt8]
    /// SHA-256 over the DER encoding, lowercase hex without separators.
    public let fingerprintSHA256: String
    /// Subject distinguished name, RFC 2253 form (e.g. `CN=nsw.swgate.test,O=...,C=VN`).
    public let subject: String
    /// Issuer distinguished name, RFC 2253 form.
    public let issuer: String
    /// Start of the validity period.
    public let notBefore: Date
    /// End of the validity period.
    public let notAfter: Date
    /// Whether the certificate is a CA certificate (basicConstraints CA:TRUE).
    public let isCA: Bool
    /// The DER encoding as base64 on one line (as in KeyInfo and BinarySecurityToken).
    public let base64: String
    /// Prepared verification contexts for the public key, by digest NID. Certificates that
    /// sign messages are cached by the trust store, so this is set up once per partner key.
    private let verifiers = Mutex<[Int32: PreparedKeyOperation]>([:])

    /// Takes ownership of `x509`.
    init(taking x509: OpaquePointer) throws(SignatureError) {
        self.x509 = x509
        var buffer: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509(x509, &buffer)
        guard length > 0, let buffer else {
            X509_free(x509)
            throw SignatureError(.keyLoadFailed, "certificate cannot be DER-encoded")
        }
        der = Array(UnsafeBufferPointer(start: buffer, count: Int(length)))
        swg_opensslFree(buffer)
        fingerprintSHA256 = Self.sha256Hex(der)
        subject = Self.name(X509_get_subject_name(x509))
        issuer = Self.name(X509_get_issuer_name(x509))
        notBefore = Self.date(X509_get0_notBefore(x509))
        notAfter = Self.date(X509_get0_notAfter(x509))
        isCA = X509_check_ca(x509) != 0
        base64 = Data(der).base64EncodedString()
    }

    deinit { X509_free(x509) }

    /// The context that verifies signatures of this certificate's key over `digest` (an `EVP_MD`
    /// from ``FetchedDigest``), prepared on first use.
    /// - Throws: `.missingCertificate` without a public key, `.signatureInvalid` when the key
    ///   cannot verify with this digest.
    func verifier(for digest: OpaquePointer) throws(SignatureError) -> PreparedKeyOperation {
        let type = EVP_MD_get_type(digest)
        if let verifier = verifiers.withLock({ $0[type] }) { return verifier }
        guard let publicKey = X509_get0_pubkey(x509) else {
            throw SignatureError(.missingCertificate, "certificate \(subject) has no usable public key")
        }
        let verifier = try PreparedKeyOperation(key: publicKey, digest: digest, kind: .verify)
        verifiers.withLock { $0[type] = verifier }
        return verifier
    }

    /// Parses one DER-encoded certificate.
    public convenience init(der: [UInt8]) throws(SignatureError) {
        try XMLSecLibrary.ensureInitialized()
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var pointer: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_X509(nil, &pointer, buffer.count)
        }
        guard let parsed else {
            _ = XMLSecLibrary.drainOpenSSLErrors()
            throw SignatureError(.missingCertificate, "not a DER-encoded X.509 certificate")
        }
        try self.init(taking: parsed)
    }

    /// Parses base64 DER, as in `ds:X509Certificate` or a WS-Security BinarySecurityToken.
    public convenience init(base64: String) throws(SignatureError) {
        guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters), !data.isEmpty else {
            throw SignatureError(.missingCertificate, "certificate is not valid base64")
        }
        try self.init(der: Array(data))
    }

    /// Every certificate in a PEM file (a file may hold a chain).
    public static func load(pemFile path: String) throws(SignatureError) -> [Certificate] {
        try XMLSecLibrary.ensureInitialized()
        guard let bio = BIO_new_file(path, "r") else {
            _ = XMLSecLibrary.drainOpenSSLErrors()
            throw SignatureError(.keyLoadFailed, "cannot read certificate file \(path)")
        }
        defer { BIO_free(bio) }
        var result: [Certificate] = []
        while let x509 = PEM_read_bio_X509(bio, nil, nil, nil) {
            result.append(try Certificate(taking: x509))
        }
        _ = XMLSecLibrary.drainOpenSSLErrors()  // the end-of-file "no start line" entry
        guard !result.isEmpty else {
            throw SignatureError(.keyLoadFailed, "no PEM certificate in \(path)")
        }
        return result
    }

    /// Whether the public key is an EC key (then ECDSA-SHA256 is used to sign).
    var isECKey: Bool {
        guard let key = X509_get0_pubkey(x509) else { return false }
        return EVP_PKEY_get_base_id(key) == NID_X9_62_id_ecPublicKey
    }

    static func sha256Hex(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        _ = bytes.withUnsafeBufferPointer { SHA256($0.baseAddress, $0.count, &digest) }
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static func name(_ name: OpaquePointer?) -> String {
        guard let name, let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        X509_NAME_print_ex(bio, name, 0, swg_nameFlagsRFC2253())
        var pointer: UnsafeMutablePointer<CChar>?
        let length = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &pointer)
        guard length > 0, let pointer else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    private static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date {
        var parts = tm()
        guard let time, ASN1_TIME_to_tm(time, &parts) == 1 else { return .distantPast }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}

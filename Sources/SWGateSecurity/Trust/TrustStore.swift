import SWGateXML
internal import CXMLSec
public import Foundation
import Synchronization

/// Trust anchors and CRLs (an OpenSSL `X509_STORE`), plus a cache of certificates that
/// already chained successfully, so a partner's certificate is path-validated once, not per message.
///
/// `@unchecked Sendable`: the `X509_STORE` is filled in `init` and only read afterwards;
/// OpenSSL 3 locks the store internally during chain building. The cache is behind a `Mutex`.
public final class TrustStore: @unchecked Sendable {
    private let store: OpaquePointer
    /// The configured trust anchors.
    public let anchors: [Certificate]
    /// Whether CRLs are checked (then every issuing CA needs a CRL in the configuration).
    public let checksRevocation: Bool
    private let validated = Mutex<[String: ClosedRange<Date>]>([:])
    private let keys = Mutex<[String: VerificationKey]>([:])
    private let parsed = Mutex<[String: Certificate]>([:])
    private static let cacheLimit = 4096

    /// A store trusting `anchors`, refusing certificates listed in the CRL files `crlFiles`.
    public init(anchors: [Certificate], crlFiles: [String] = []) throws(SignatureError) {
        try XMLSecLibrary.ensureInitialized()
        guard let store = X509_STORE_new() else {
            throw SignatureError(.internalFailure, "cannot allocate an X509_STORE")
        }
        self.store = store
        self.anchors = anchors
        self.checksRevocation = !crlFiles.isEmpty
        for anchor in anchors where X509_STORE_add_cert(store, anchor.x509) != 1 {
            _ = XMLSecLibrary.drainOpenSSLErrors()  // a duplicate anchor is harmless
        }
        for file in crlFiles {
            guard let bio = BIO_new_file(file, "r") else {
                _ = XMLSecLibrary.drainOpenSSLErrors()
                throw SignatureError(.keyLoadFailed, "cannot read CRL file \(file)")
            }
            defer { BIO_free(bio) }
            var count = 0
            while let crl = PEM_read_bio_X509_CRL(bio, nil, nil, nil) {
                X509_STORE_add_crl(store, crl)
                X509_CRL_free(crl)
                count += 1
            }
            _ = XMLSecLibrary.drainOpenSSLErrors()
            guard count > 0 else { throw SignatureError(.keyLoadFailed, "no PEM CRL in \(file)") }
        }
        if checksRevocation { X509_STORE_set_flags(store, UInt(X509_V_FLAG_CRL_CHECK)) }
    }

    deinit { X509_STORE_free(store) }

    /// Checks that `certificate` chains to an anchor (through `intermediates`), is inside its
    /// validity period at `date` and, when CRLs are configured, is not revoked.
    /// - Throws: `.untrustedCertificate`, `.certificateExpired`, `.certificateNotYetValid`, `.certificateRevoked`.
    /// `tolerance` (seconds) is the clock skew allowed at either end of the signer's validity
    /// period: a partner whose clock runs ahead may sign with a certificate that is, by the
    /// gateway's clock, not valid yet for a few seconds more.
    public func evaluate(_ certificate: Certificate, intermediates: [Certificate] = [], at date: Date = Date(),
                         tolerance: Double = 0) throws(SignatureError) {
        var date = date
        // Judged just inside the period: OpenSSL counts a certificate as expired at its notAfter itself.
        if date > certificate.notAfter, date.timeIntervalSince(certificate.notAfter) <= tolerance { date = certificate.notAfter.addingTimeInterval(-1) }
        if date < certificate.notBefore, certificate.notBefore.timeIntervalSince(date) <= tolerance { date = certificate.notBefore }
        let cacheKey = ([certificate] + intermediates).map(\.fingerprintSHA256).joined(separator: ",")
        if let window = validated.withLock({ $0[cacheKey] }), window.contains(date) { return }
        // The signer's own validity first: OpenSSL would report a CRL outside its validity instead.
        let allowed = tolerance > 0 ? " (tolerance \(Int(tolerance)) s)" : ""
        guard date <= certificate.notAfter else {
            throw SignatureError(
                .certificateExpired,
                "certificate \(certificate.subject) expired on \(certificate.notAfter.formatted(.iso8601)), \(Int(date.timeIntervalSince(certificate.notAfter))) s before the local time \(date.formatted(.iso8601))\(allowed)")
        }
        guard date >= certificate.notBefore else {
            throw SignatureError(
                .certificateNotYetValid,
                "certificate \(certificate.subject) is not valid before \(certificate.notBefore.formatted(.iso8601)), \(Int(certificate.notBefore.timeIntervalSince(date))) s after the local time \(date.formatted(.iso8601))\(allowed)")
        }
        guard let context = X509_STORE_CTX_new() else {
            throw SignatureError(.internalFailure, "cannot allocate an X509_STORE_CTX")
        }
        defer { X509_STORE_CTX_free(context) }
        let stack = swg_x509StackNew()
        defer { swg_x509StackFree(stack) }
        for intermediate in intermediates where X509_up_ref(intermediate.x509) == 1 {
            _ = swg_x509StackPush(stack, intermediate.x509)
        }
        guard X509_STORE_CTX_init(context, store, certificate.x509, stack) == 1 else {
            throw SignatureError(.internalFailure, "cannot initialise chain verification: \(XMLSecLibrary.takeError())")
        }
        X509_STORE_CTX_set_time(context, 0, time_t(date.timeIntervalSince1970))
        if X509_verify_cert(context) == 1 {
            var window = certificate.notBefore...certificate.notAfter
            let chain = X509_STORE_CTX_get0_chain(context)
            for index in 0..<swg_x509StackCount(chain) {
                if let member = swg_x509StackAt(chain, index), let cert = X509_dup(member),
                   let parsed = try? Certificate(taking: cert) {
                    window = max(window.lowerBound, parsed.notBefore)...min(window.upperBound, parsed.notAfter)
                }
            }
            validated.withLock { cache in
                if cache.count >= Self.cacheLimit { cache.removeAll() }
                cache[cacheKey] = window
            }
            return
        }
        let error = X509_STORE_CTX_get_error(context)
        let reason = String(cString: X509_verify_cert_error_string(Int(error)))
        _ = XMLSecLibrary.drainOpenSSLErrors()
        let who = "certificate \(certificate.subject)"
        switch error {
        case X509_V_ERR_CERT_HAS_EXPIRED:
            throw SignatureError(.certificateExpired, "\(who) expired on \(certificate.notAfter) (\(reason))")
        case X509_V_ERR_CERT_NOT_YET_VALID:
            throw SignatureError(.certificateNotYetValid, "\(who) is not valid before \(certificate.notBefore)")
        case X509_V_ERR_CERT_REVOKED:
            throw SignatureError(.certificateRevoked, "\(who) is revoked (\(reason))")
        default:
            throw SignatureError(.untrustedCertificate, "\(who) issued by \(certificate.issuer) does not chain to the trust store: \(reason)")
        }
    }

    /// The certificate in base64 `text` (KeyInfo, BinarySecurityToken), parsed once per distinct
    /// text: partners send the same certificate in every message.
    func certificate(base64 text: String) throws(SignatureError) -> Certificate {
        if let certificate = parsed.withLock({ $0[text] }) { return certificate }
        let certificate = try Certificate(base64: text)
        parsed.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll() }
            cache[text] = certificate
        }
        return certificate
    }

    /// The public key of `certificate` as an xmlsec key, created once per certificate and shared.
    func verificationKey(for certificate: Certificate) throws(SignatureError) -> VerificationKey {
        if let key = keys.withLock({ $0[certificate.fingerprintSHA256] }) { return key }
        let key = try VerificationKey(certificate: certificate)
        keys.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll() }
            cache[certificate.fingerprintSHA256] = key
        }
        return key
    }
}

/// A public key as an `xmlSecKey`, lent to verification contexts (never duplicated per message).
///
/// `@unchecked Sendable`: never modified after creation; xmlsec only reads it and takes its own
/// atomic reference to the `EVP_PKEY` for each verification.
final class VerificationKey: @unchecked Sendable {
    let key: UnsafeMutablePointer<xmlSecKey>

    init(certificate: Certificate) throws(SignatureError) {
        guard let publicKey = X509_get_pubkey(certificate.x509) else {
            throw SignatureError(.missingCertificate, "certificate \(certificate.subject) has no usable public key")
        }
        XMLSecLibrary.clearErrors()
        guard let data = xmlSecOpenSSLEvpKeyAdopt(publicKey) else {
            EVP_PKEY_free(publicKey)
            throw SignatureError(.missingCertificate, "unsupported public key type: \(XMLSecLibrary.takeError())")
        }
        guard let key = xmlSecKeyCreate() else {
            xmlSecKeyDataDestroy(data)
            throw SignatureError(.internalFailure, "cannot allocate an xmlsec key")
        }
        guard xmlSecKeySetValue(key, data) >= 0 else {
            xmlSecKeyDataDestroy(data)
            xmlSecKeyDestroy(key)
            throw SignatureError(.internalFailure, "cannot attach the public key: \(XMLSecLibrary.takeError())")
        }
        self.key = key
    }

    deinit { xmlSecKeyDestroy(key) }
}

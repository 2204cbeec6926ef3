import SWGateXML
internal import CXMLSec

/// An OpenSSL `EVP_PKEY_CTX` set up once for signing or verifying with one key and one digest
/// (PKCS#1 v1.5 padding for RSA), duplicated for each operation.
///
/// `EVP_DigestSignInit`/`EVP_DigestVerifyInit` look up the signature algorithm in the provider
/// and set up a fresh context on every call; `openssl speed` instead reuses one initialised
/// context. Here each signature starts from `EVP_PKEY_CTX_dup` of the prepared context, so the
/// per-operation work is the copy and the RSA/ECDSA operation on a digest computed by the caller.
///
/// `@unchecked Sendable`: the prepared context is never used for an operation itself, only
/// duplicated; `EVP_PKEY_CTX_dup` reads it and takes its own (atomic) references to the key,
/// algorithm and digest, so concurrent duplication is safe. Each duplicate belongs to one call.
final class PreparedKeyOperation: @unchecked Sendable {
    enum Kind {
        case sign
        case verify
    }

    private let prototype: OpaquePointer

    /// Prepares `kind` with `key` (an `EVP_PKEY`; the context takes its own reference) over
    /// digests made with `digest` (an `EVP_MD`).
    /// - Throws: when OpenSSL refuses the key for this operation (e.g. RSA padding on a non-RSA key):
    ///   `.internalFailure` for signing, `.signatureInvalid` for verification.
    init(key: OpaquePointer, digest: OpaquePointer, kind: Kind) throws(SignatureError) {
        ERR_clear_error()
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else {
            throw SignatureError(.internalFailure, "cannot allocate an OpenSSL key context: \(Self.errors())")
        }
        let started = kind == .sign ? EVP_PKEY_sign_init(context) : EVP_PKEY_verify_init(context)
        let isRSA = EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA
        guard started == 1,
              !isRSA || EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1,
              EVP_PKEY_CTX_set_signature_md(context, digest) == 1
        else {
            EVP_PKEY_CTX_free(context)
            // As before with EVP_DigestSignInit/VerifyInit: the gateway's own key failing is an internal
            // failure, a partner's key that cannot verify makes the signature invalid.
            throw kind == .sign
                ? SignatureError(.internalFailure, "cannot start signing: \(Self.errors())")
                : SignatureError(.signatureInvalid, "the key cannot verify with this digest: \(Self.errors())")
        }
        prototype = context
    }

    deinit { EVP_PKEY_CTX_free(prototype) }

    /// The signature (PKCS#1 v1.5 for RSA, DER for ECDSA) of `digest`, the message digest
    /// computed with the prepared digest algorithm.
    func sign(digest: [UInt8]) throws(SignatureError) -> [UInt8] {
        guard let context = EVP_PKEY_CTX_dup(prototype) else {
            throw SignatureError(.internalFailure, "cannot copy the signing context: \(Self.errors())")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var length = 0
        guard EVP_PKEY_sign(context, nil, &length, digest, digest.count) == 1 else {
            throw SignatureError(.internalFailure, "cannot size the signature: \(Self.errors())")
        }
        var value = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_sign(context, &value, &length, digest, digest.count) == 1 else {
            throw SignatureError(.internalFailure, "signing failed: \(Self.errors())")
        }
        value.removeSubrange(length...)
        return value
    }

    /// Whether `signature` verifies over `digest`. OpenSSL's error queue is emptied either way.
    func verify(signature: [UInt8], digest: [UInt8]) throws(SignatureError) -> Bool {
        guard let context = EVP_PKEY_CTX_dup(prototype) else {
            throw SignatureError(.internalFailure, "cannot copy the verification context: \(Self.errors())")
        }
        defer { EVP_PKEY_CTX_free(context) }
        let result = EVP_PKEY_verify(context, signature, signature.count, digest, digest.count)
        if result != 1 { _ = XMLSecLibrary.drainOpenSSLErrors() }
        return result == 1
    }

    private static func errors() -> String {
        XMLSecLibrary.drainOpenSSLErrors().joined(separator: "; ")
    }
}

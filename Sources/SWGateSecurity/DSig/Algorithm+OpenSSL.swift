import SWGateXML
internal import CXMLSec

extension Algorithm {
    /// The OpenSSL digest for a DigestMethod URI on the allow-list; `nil` for anything else.
    static func messageDigest(forDigestMethod uri: String) -> OpaquePointer? {
        switch uri {
        case sha256: FetchedDigest.sha256.md
        case sha384: FetchedDigest.sha384.md
        case sha512: FetchedDigest.sha512.md
        case sha1: FetchedDigest.sha1.md
        default: nil
        }
    }

    /// The OpenSSL digest and key kind for a SignatureMethod URI on the allow-list.
    static func signatureDigest(forSignatureMethod uri: String) -> (digest: OpaquePointer, isECDSA: Bool)? {
        switch uri {
        case rsaSHA256: (FetchedDigest.sha256.md, false)
        case rsaSHA384: (FetchedDigest.sha384.md, false)
        case rsaSHA512: (FetchedDigest.sha512.md, false)
        case rsaSHA1: (FetchedDigest.sha1.md, false)
        case ecdsaSHA256: (FetchedDigest.sha256.md, true)
        default: nil
        }
    }
}

/// A digest algorithm fetched from the default provider once per process.
///
/// OpenSSL 3 treats `EVP_sha256()` and friends as names to look up: every `EVP_DigestInit_ex`
/// with them fetches the implementation again (a locked lookup in the provider's method store).
/// An explicitly fetched `EVP_MD` skips that. When the fetch fails (a provider configuration
/// without the algorithm), the legacy constant is kept and OpenSSL reports the problem at use.
///
/// `@unchecked Sendable`: a fetched `EVP_MD` is immutable and reference-counted atomically;
/// OpenSSL documents it as shareable between threads. Never freed (process lifetime).
final class FetchedDigest: @unchecked Sendable {
    let md: OpaquePointer

    private init(_ name: String, fallback: OpaquePointer) {
        _ = try? XMLSecLibrary.ensureInitialized()  // OpenSSL set up as the rest of the module expects
        md = EVP_MD_fetch(nil, name, nil) ?? fallback
        ERR_clear_error()
    }

    static let sha256 = FetchedDigest("SHA2-256", fallback: EVP_sha256())
    static let sha384 = FetchedDigest("SHA2-384", fallback: EVP_sha384())
    static let sha512 = FetchedDigest("SHA2-512", fallback: EVP_sha512())
    static let sha1 = FetchedDigest("SHA1", fallback: EVP_sha1())

    /// The NID of the digest (a key for per-digest caches).
    var type: Int32 { EVP_MD_get_type(md) }
}


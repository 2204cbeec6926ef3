internal import CXMLSec

extension Algorithm {
    /// The OpenSSL digest for a DigestMethod URI on the allow-list; `nil` for anything else.
    static func messageDigest(forDigestMethod uri: String) -> OpaquePointer? {
        switch uri {
        case sha256: EVP_sha256()
        case sha384: EVP_sha384()
        case sha512: EVP_sha512()
        case sha1: EVP_sha1()
        default: nil
        }
    }

    /// The OpenSSL digest and key kind for a SignatureMethod URI on the allow-list.
    static func signatureDigest(forSignatureMethod uri: String) -> (digest: OpaquePointer, isECDSA: Bool)? {
        switch uri {
        case rsaSHA256: (EVP_sha256(), false)
        case rsaSHA384: (EVP_sha384(), false)
        case rsaSHA512: (EVP_sha512(), false)
        case rsaSHA1: (EVP_sha1(), false)
        case ecdsaSHA256: (EVP_sha256(), true)
        default: nil
        }
    }
}

import SWGateXML
internal import CXMLSec

/// One OpenSSL `EVP_MD_CTX` (a digest, or a signature being made or checked), freed in `deinit`.
///
/// Not `Sendable`: a context belongs to the call that created it.
final class MessageDigestContext {
    let context: OpaquePointer

    init() throws(SignatureError) {
        guard let context = EVP_MD_CTX_new() else {
            throw SignatureError(.internalFailure, "cannot allocate an OpenSSL digest context")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }
}

import SWGateXML
internal import CXMLSec

/// One xmlsec signature context (`xmlSecDSigCtx`), used for one signature and freed in `deinit`.
///
/// The key is lent, not copied: it is set before the operation and cleared before the context
/// is destroyed, because `xmlSecDSigCtxDestroy` would otherwise free the shared key.
/// Not `Sendable`: a context belongs to the call that created it.
final class DSigContext {
    let context: UnsafeMutablePointer<xmlSecDSigCtx>

    init() throws(SignatureError) {
        try XMLSecLibrary.ensureInitialized()
        guard let context = xmlSecDSigCtxCreate(nil) else {
            throw SignatureError(.internalFailure, "cannot allocate an xmlsec signature context")
        }
        self.context = context
    }

    deinit {
        context.pointee.signKey = nil
        xmlSecDSigCtxDestroy(context)
    }

    /// Fills in the template `signature` (digests, SignatureValue, KeyInfo) with `key`.
    func sign(_ signature: NodePointer, with key: UnsafeMutablePointer<xmlSecKey>) throws(SignatureError) {
        context.pointee.signKey = key
        defer { context.pointee.signKey = nil }
        XMLSecLibrary.clearErrors()
        guard xmlSecDSigCtxSign(context, signature) >= 0 else {
            throw SignatureError(.internalFailure, "xmlsec could not sign: \(XMLSecLibrary.takeError())")
        }
    }

    /// Verifies `signature` with `key` under the algorithm allow-list.
    /// - Throws: `.digestMismatch` when a reference's data changed, `.signatureInvalid` when the
    ///   SignatureValue does not verify, `.algorithmNotAllowed` when xmlsec refuses an algorithm.
    func verify(_ signature: NodePointer, with key: UnsafeMutablePointer<xmlSecKey>, allowSHA1: Bool) throws(SignatureError) {
        guard Algorithm.restrict(context, allowSHA1: allowSHA1) else {
            throw SignatureError(.internalFailure, "cannot restrict xmlsec's algorithms: \(XMLSecLibrary.takeError())")
        }
        context.pointee.signKey = key
        defer { context.pointee.signKey = nil }
        XMLSecLibrary.clearErrors()
        let result = xmlSecDSigCtxVerify(context, signature)
        let detail = XMLSecLibrary.takeError()
        guard result >= 0 else {
            if detail.contains("transform") && (detail.contains("disabled") || detail.contains("not allowed")) {
                throw SignatureError(.algorithmNotAllowed, "xmlsec refused an algorithm: \(detail)")
            }
            throw SignatureError(.signatureInvalid, "the signature cannot be processed: \(detail)")
        }
        guard context.pointee.status != xmlSecDSigStatusSucceeded else { return }
        let references = withUnsafeMutablePointer(to: &context.pointee.signedInfoReferences) { $0 }
        for index in 0..<xmlSecPtrListGetSize(references) {
            guard let raw = xmlSecPtrListGetItem(references, index) else { continue }
            let reference = raw.assumingMemoryBound(to: xmlSecDSigReferenceCtx.self)
            if reference.pointee.status != xmlSecDSigStatusSucceeded {
                let uri = reference.pointee.uri.map { String(cString: $0) } ?? ""
                throw SignatureError(.digestMismatch, "the digest of reference \"\(uri)\" does not match: the signed data was changed")
            }
        }
        throw SignatureError(.signatureInvalid, "the SignatureValue does not verify with the signer's certificate")
    }
}

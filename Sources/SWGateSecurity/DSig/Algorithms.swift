import SWGateXML
internal import CXMLSec

/// The algorithm allow-list of docs/signatures.md, as URIs and as xmlsec transform classes.
enum Algorithm {
    static let exclusiveC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
    static let envelopedSignature = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"

    static let rsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    static let rsaSHA384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
    static let rsaSHA512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
    static let ecdsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
    static let rsaSHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"

    static let sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"
    static let sha384 = "http://www.w3.org/2001/04/xmldsig-more#sha384"
    static let sha512 = "http://www.w3.org/2001/04/xmlenc#sha512"
    static let sha1 = "http://www.w3.org/2000/09/xmldsig#sha1"

    /// Signature methods accepted; SHA-1 only when the partner allows it.
    static func signatureMethods(allowSHA1: Bool) -> Set<String> {
        var methods: Set<String> = [rsaSHA256, rsaSHA384, rsaSHA512, ecdsaSHA256]
        if allowSHA1 { methods.insert(rsaSHA1) }
        return methods
    }

    /// Digest methods accepted; SHA-1 only when the partner allows it.
    static func digestMethods(allowSHA1: Bool) -> Set<String> {
        var methods: Set<String> = [sha256, sha384, sha512]
        if allowSHA1 { methods.insert(sha1) }
        return methods
    }

    /// Enables exactly the allowed algorithms on a verification context (defence in depth:
    /// xmlsec then refuses anything else even if the structural checks missed it).
    static func restrict(_ context: UnsafeMutablePointer<xmlSecDSigCtx>, allowSHA1: Bool) -> Bool {
        var signatureTransforms: [xmlSecTransformId?] = [
            xmlSecTransformExclC14NGetKlass(),
            xmlSecOpenSSLTransformRsaSha256GetKlass(), xmlSecOpenSSLTransformRsaSha384GetKlass(),
            xmlSecOpenSSLTransformRsaSha512GetKlass(), xmlSecOpenSSLTransformEcdsaSha256GetKlass(),
        ]
        var referenceTransforms: [xmlSecTransformId?] = [
            xmlSecTransformExclC14NGetKlass(), xmlSecTransformEnvelopedGetKlass(),
            xmlSecOpenSSLTransformSha256GetKlass(), xmlSecOpenSSLTransformSha384GetKlass(),
            xmlSecOpenSSLTransformSha512GetKlass(),
        ]
        if allowSHA1 {
            signatureTransforms.append(xmlSecOpenSSLTransformRsaSha1GetKlass())
            referenceTransforms.append(xmlSecOpenSSLTransformSha1GetKlass())
        }
        for transform in signatureTransforms where xmlSecDSigCtxEnableSignatureTransform(context, transform) < 0 {
            return false
        }
        for transform in referenceTransforms where xmlSecDSigCtxEnableReferenceTransform(context, transform) < 0 {
            return false
        }
        context.pointee.enabledReferenceUris = xmlSecTransformUriType(
            xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument)
        return true
    }
}

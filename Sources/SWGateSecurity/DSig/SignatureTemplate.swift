import SWGateDomain
internal import CXMLSec
import SWGateXML

/// Builds `ds:Signature` templates (exclusive C14N, RSA-SHA256 or ECDSA-SHA256, SHA-256 digests)
/// that ``DSigContext/sign(_:with:)`` fills in.
enum SignatureTemplate {
    /// Where the signer's certificate goes.
    enum KeyInfoStyle {
        /// `ds:KeyInfo/ds:X509Data/ds:X509Certificate` (XML-DSig).
        case x509Data
        /// `ds:KeyInfo/wsse:SecurityTokenReference/wsse:Reference URI="#id"` (WS-Security X.509 token profile).
        case securityTokenReference(tokenId: String)
    }

    /// Creates a template as the last child of `parent`.
    /// - Parameters:
    ///   - references: each URI with whether it uses the enveloped-signature transform.
    static func create(in parent: NodePointer, references: [(uri: String, enveloped: Bool)],
                       identity: SigningIdentity, keyInfo: KeyInfoStyle) throws(SignatureError) -> NodePointer {
        let method = identity.certificate.isECKey ? xmlSecOpenSSLTransformEcdsaSha256GetKlass() : xmlSecOpenSSLTransformRsaSha256GetKlass()
        guard let signature = xmlSecTmplSignatureCreateNsPref(parent.document, xmlSecTransformExclC14NGetKlass(), method, nil, "ds") else {
            throw SignatureError(.internalFailure, "cannot create a signature template")
        }
        guard parent.append(signature) else {
            signature.free()
            throw SignatureError(.internalFailure, "cannot insert the signature template")
        }
        for reference in references {
            guard let node = xmlSecTmplSignatureAddReference(signature, xmlSecOpenSSLTransformSha256GetKlass(), nil, reference.uri, nil),
                  !reference.enveloped || xmlSecTmplReferenceAddTransform(node, xmlSecTransformEnvelopedGetKlass()) != nil,
                  xmlSecTmplReferenceAddTransform(node, xmlSecTransformExclC14NGetKlass()) != nil
            else { throw SignatureError(.internalFailure, "cannot add reference \(reference.uri) to the template") }
        }
        guard let info = xmlSecTmplSignatureEnsureKeyInfo(signature, nil) else {
            throw SignatureError(.internalFailure, "cannot add KeyInfo to the template")
        }
        switch keyInfo {
        case .x509Data:
            guard let data = xmlSecTmplKeyInfoAddX509Data(info), xmlSecTmplX509DataAddCertificate(data) != nil else {
                throw SignatureError(.internalFailure, "cannot add X509Data to the template")
            }
        case .securityTokenReference(let tokenId):
            guard let str = info.appendElement("SecurityTokenReference", declaring: Namespace.wsse, prefix: "wsse") else {
                throw SignatureError(.internalFailure, "cannot add SecurityTokenReference")
            }
            guard let ref = str.appendElementInOwnNamespace("Reference") else {
                throw SignatureError(.internalFailure, "cannot add SecurityTokenReference/Reference")
            }
            ref.setAttribute("URI", "#" + tokenId)
            ref.setAttribute("ValueType", WSSecurity.x509v3)
        }
        return signature
    }
}

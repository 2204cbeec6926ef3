import SWGateXML
import SWGateDomain
import Foundation
/// One `ds:Reference` as written in a signature.
struct ReferenceStructure {
    let node: NodePointer
    let uri: String
    let transforms: [String]
    let digestMethod: String
    let digestValue: String
}

/// The parts of a `ds:Signature` the policy looks at, read before any cryptography runs.
struct SignatureStructure {
    let node: NodePointer
    let canonicalization: String
    let signatureMethod: String
    let references: [ReferenceStructure]
    let keyInfo: NodePointer?

    /// Reads `signature` and applies the algorithm allow-list (docs/signatures.md).
    /// - Parameter enveloped: whether this signature may (and must) use the enveloped transform.
    init(_ signature: NodePointer, allowSHA1: Bool, enveloped: Bool) throws(SignatureError) {
        let ds = Namespace.xmldsig
        guard let signedInfo = signature.onlyChild("SignedInfo", ds),
              signature.onlyChild("SignatureValue", ds) != nil,
              let c14n = signedInfo.onlyChild("CanonicalizationMethod", ds),
              let method = signedInfo.onlyChild("SignatureMethod", ds)
        else {
            throw SignatureError(.malformedMessage, "ds:Signature lacks SignedInfo, SignatureValue, CanonicalizationMethod or SignatureMethod")
        }
        node = signature
        canonicalization = c14n.attribute("Algorithm") ?? ""
        signatureMethod = method.attribute("Algorithm") ?? ""
        keyInfo = signature.onlyChild("KeyInfo", ds)
        guard canonicalization == Algorithm.exclusiveC14N else {
            throw SignatureError(.algorithmNotAllowed, "canonicalization \(canonicalization) is not exclusive C14N (\(Algorithm.exclusiveC14N))")
        }
        try Self.requireOnlyInclusiveNamespaces(c14n)
        guard Algorithm.signatureMethods(allowSHA1: allowSHA1).contains(signatureMethod) else {
            throw SignatureError(.algorithmNotAllowed, "signature method \(signatureMethod) is not allowed")
        }
        guard method.elementChildren.isEmpty else {
            throw SignatureError(.algorithmNotAllowed, "signature method parameters (e.g. HMACOutputLength) are not allowed")
        }
        var references: [ReferenceStructure] = []
        for reference in signedInfo.children("Reference", ds) {
            references.append(try Self.reference(reference, allowSHA1: allowSHA1, enveloped: enveloped))
        }
        guard !references.isEmpty else {
            throw SignatureError(.malformedMessage, "ds:SignedInfo has no ds:Reference")
        }
        self.references = references
    }

    /// Exclusive C14N may carry one `ec:InclusiveNamespaces PrefixList` (WSS4J-based AS4 stacks
    /// such as Domibus write it); any other parameter (e.g. an XPath) is refused.
    private static func requireOnlyInclusiveNamespaces(_ node: NodePointer) throws(SignatureError) {
        let children = node.elementChildren
        guard children.isEmpty || (children.count == 1 && children[0].isElement("InclusiveNamespaces", Algorithm.exclusiveC14N)
            && children[0].elementChildren.isEmpty)
        else {
            throw SignatureError(.algorithmNotAllowed, "exclusive C14N may only carry ec:InclusiveNamespaces as a parameter")
        }
    }

    private static func reference(_ node: NodePointer, allowSHA1: Bool, enveloped: Bool) throws(SignatureError) -> ReferenceStructure {
        let ds = Namespace.xmldsig
        guard let uri = node.attribute("URI") else {
            throw SignatureError(.wrapping, "a ds:Reference without URI refers to nothing the gateway can bind")
        }
        guard let digest = node.onlyChild("DigestMethod", ds), let value = node.onlyChild("DigestValue", ds) else {
            throw SignatureError(.malformedMessage, "ds:Reference \(uri) lacks DigestMethod or DigestValue")
        }
        let digestMethod = digest.attribute("Algorithm") ?? ""
        guard Algorithm.digestMethods(allowSHA1: allowSHA1).contains(digestMethod) else {
            throw SignatureError(.algorithmNotAllowed, "digest method \(digestMethod) is not allowed")
        }
        var transforms: [String] = []
        if let list = node.onlyChild("Transforms", ds) {
            for transform in list.elementChildren {
                guard transform.isElement("Transform", ds) else {
                    throw SignatureError(.algorithmNotAllowed, "ds:Transforms may hold only ds:Transform")
                }
                let algorithm = transform.attribute("Algorithm") ?? ""
                if algorithm == Algorithm.exclusiveC14N {
                    try Self.requireOnlyInclusiveNamespaces(transform)
                } else if !transform.elementChildren.isEmpty {
                    throw SignatureError(.algorithmNotAllowed, "transform \(algorithm) may not have parameters")
                }
                transforms.append(algorithm)
            }
        }
        let allowed: [[String]] = enveloped
            ? [[Algorithm.envelopedSignature, Algorithm.exclusiveC14N], [Algorithm.envelopedSignature]]
            : [[Algorithm.exclusiveC14N], []]
        guard allowed.contains(transforms) else {
            let list = transforms.isEmpty ? "none" : transforms.joined(separator: ", ")
            throw SignatureError(.algorithmNotAllowed, "transforms of reference \(uri) (\(list)) are not the profile's "
                + (enveloped ? "enveloped-signature + exclusive C14N" : "exclusive C14N"))
        }
        return ReferenceStructure(node: node, uri: uri, transforms: transforms, digestMethod: digestMethod,
                                  digestValue: String(decoding: value.textContent.utf8.filter { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }, as: UTF8.self))
    }
}

import SWGateDomain
import SWGateXML

extension SecurityServices {
    /// Signs the AS4 message `message` carrying business `document` (`nil`: an empty Body, as in a
    /// signal) as text, without parsing the message: the document is parsed on its own for its
    /// canonical form (``EmbeddedDocument``), the three references (Body, `eb:Messaging`, Timestamp)
    /// are hashed from canonical text and the signature written as ``SignatureText``. The result is
    /// the message ``signedAS4Message(_:)`` makes of the same text: byte for byte when the document
    /// is written as ``XMLDocument/serialized()`` writes it, otherwise the same up to the document's
    /// own spelling (and, in a signal, `eb:Messaging`'s empty-element tags).
    ///
    /// - Returns: `nil` when the tree path must sign it: the xmlsec engine is configured, the token
    ///   is not one of the gateway's certificates, an Id is not plain, the `eb:Messaging` content
    ///   holds a character XML does not allow, or the document is not one ``EmbeddedDocument``
    ///   takes (the tree path then signs or refuses it as before).
    package func signedAS4MessageAsText(_ message: AS4MessageText, document: [UInt8]?) throws(SignatureError) -> SignedAS4Message? {
        guard engine == .native, message.hasPlainIds, SignatureText.isCharacterData(Array(message.messaging.utf8)),
            let identity = systemKeys.identity(certificateBase64: message.certificate)
        else { return nil }
        var canonicalBody: [UInt8] = []
        if let document {
            guard let embedded = embeddedDocuments.document(for: document),
                embedded.fits(
                    reservedIds: [message.ids.body, message.ids.messaging, message.ids.timestamp, message.ids.token],
                    enclosing: [.init(prefix: "S12", href: Namespace.soap12), .init(prefix: "wsu", href: Namespace.wsu)])
            else { return nil }
            canonicalBody = embedded.canonical
        }
        let sha256 = FetchedDigest.sha256.md
        let body = try DigestStream(sha256)
        body.update(message.canonicalBodyStart)
        body.update(canonicalBody)
        body.update("</S12:Body>")
        var timestamp: [UInt8] = []
        message.writeTimestamp(to: &timestamp, declaring: true)
        let references: [SignatureText.Reference] = [
            .init(uri: "#" + message.ids.body, enveloped: false, digest: try body.finish()),
            .init(uri: "#" + message.ids.messaging, enveloped: false, digest: try DigestStream.digest(message.canonicalMessaging(), with: sha256)),
            .init(uri: "#" + message.ids.timestamp, enveloped: false, digest: try DigestStream.digest(timestamp, with: sha256)),
        ]
        let signature = SignatureText(for: identity, references: references)
        var signatureText: [UInt8] = []
        signatureText.reserveCapacity(2048)
        signature.write(
            signatureValue: try signature.signatureValue(with: identity), keyInfo: .securityTokenReference(tokenId: message.ids.token),
            to: &signatureText, canonical: false)
        var out: [UInt8] = []
        out.reserveCapacity((document?.count ?? 0) + message.messaging.utf8.count + message.certificate.utf8.count + signatureText.count + 1024)
        message.write(body: document.map(XMLText.embeddableBytes) ?? [], signature: signatureText, serialized: true, to: &out)
        var digests: [String: String] = [:]
        for reference in references { digests[reference.uri] = Base64.encode(reference.digest) }
        return SignedAS4Message(bytes: out, referenceDigests: digests)
    }
}

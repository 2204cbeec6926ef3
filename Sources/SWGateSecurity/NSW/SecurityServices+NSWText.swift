import SWGateDomain
import SWGateXML

extension SecurityServices {
    /// Signs the NSW envelope made of `header` and business `document` as text, without parsing
    /// the envelope: the document is parsed on its own for its canonical form (``EmbeddedDocument``),
    /// the Content signature and the SystemSignature are computed over canonical text and written
    /// as ``SignatureText``. The result is the envelope ``signNSWEnvelope(_:at:)`` makes of the same
    /// parts: byte for byte when the document is written as ``XMLDocument/serialized()`` writes it,
    /// and otherwise the same up to the document's own spelling (its digests and signature values
    /// are the same, since they are computed over canonical forms).
    ///
    /// - Parameters:
    ///   - header: the `Header` element as exclusive C14N renders it inside the envelope (no
    ///     namespace declarations, C14N's escaping, no empty-element tags).
    ///   - contentId: the `Id` of `Body/Content`.
    /// - Returns: `nil` when the tree path must sign it: the xmlsec engine is configured, or the
    ///   document is not one ``EmbeddedDocument`` takes, or the header holds a character XML does
    ///   not allow (the tree path then refuses the envelope as before).
    package func signNSWEnvelope(header: [UInt8], contentId: String, document: [UInt8]) throws(SignatureError) -> [UInt8]? {
        guard engine == .native, SignatureText.isCharacterData(header),
            let embedded = embeddedDocuments.document(for: document),
            embedded.fits(reservedIds: [contentId], enclosing: [.init(prefix: "", href: Namespace.nswEnvelope)])
        else { return nil }
        return try signNSWEnvelope(header: header, contentId: contentId, canonical: embedded.canonical, sent: XMLText.embeddableBytes(document))
    }

    /// ``signNSWEnvelope(header:contentId:document:)`` for a Content the caller wrote itself:
    /// `content` is what Content holds, written as exclusive C14N renders it there (elements in the
    /// envelope's default namespace without declarations, C14N's escaping, no empty-element tags, no
    /// Id attributes), and it is sent as it is. `nil` when the xmlsec engine is configured or the
    /// header or content holds a character XML does not allow.
    package func signNSWEnvelope(header: [UInt8], contentId: String, canonicalContent content: [UInt8]) throws(SignatureError) -> [UInt8]? {
        guard engine == .native, SignatureText.isCharacterData(header), SignatureText.isCharacterData(content) else { return nil }
        return try signNSWEnvelope(header: header, contentId: contentId, canonical: content, sent: content[...])
    }

    /// The envelope with Content's canonical form `canonical` (hashed) and text `sent` (written).
    private func signNSWEnvelope(header: [UInt8], contentId: String, canonical: [UInt8], sent: ArraySlice<UInt8>) throws(SignatureError) -> [UInt8] {
        var id: [UInt8] = []
        SignatureText.appendAttributeValue(contentId, to: &id)

        // Content signature: one reference, to Content, canonical on its own (it declares the
        // envelope's default namespace itself).
        let organisation = organisationIdentity
        let contentDigest = try DigestStream(FetchedDigest.sha256.md)
        contentDigest.update("<Content xmlns=\"\(Namespace.nswEnvelope)\" Id=\"")
        contentDigest.update(id)
        contentDigest.update("\">")
        contentDigest.update(canonical)
        contentDigest.update("</Content>")
        let content = SignatureText(
            for: organisation, references: [.init(uri: "#" + contentId, enveloped: false, digest: try contentDigest.finish())])
        let contentValue = try content.signatureValue(with: organisation)
        let contentKeyInfo = SignatureText.KeyInfo.x509Data(organisation.keyCertificatesBase64)

        // SystemSignature: the whole envelope, canonical, without the SystemSignature's ds:Signature.
        var opening: [UInt8] = []
        opening.reserveCapacity(header.count + 128)
        opening += "<Envelope xmlns=\"\(Namespace.nswEnvelope)\">".utf8
        opening += header
        opening += #"<Body><Content Id=""#.utf8
        opening += id
        opening += #"">"#.utf8
        var contentSignature: [UInt8] = []
        contentSignature.reserveCapacity(4096)
        content.write(signatureValue: contentValue, keyInfo: contentKeyInfo, to: &contentSignature, canonical: true)
        let envelopeDigest = try DigestStream(FetchedDigest.sha256.md)
        envelopeDigest.update(opening)
        envelopeDigest.update(canonical)
        envelopeDigest.update("</Content>")
        envelopeDigest.update(contentSignature)
        envelopeDigest.update("</Body><SystemSignature></SystemSignature></Envelope>")
        let identity = systemKeys.identity(at: now())
        let system = SignatureText(for: identity, references: [.init(uri: "", enveloped: true, digest: try envelopeDigest.finish())])
        let systemValue = try system.signatureValue(with: identity)

        var out: [UInt8] = []
        out.reserveCapacity(opening.count + sent.count + 2 * contentSignature.count + 256)
        out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".utf8
        out += opening
        out += sent
        out += "</Content>".utf8
        content.write(signatureValue: contentValue, keyInfo: contentKeyInfo, to: &out, canonical: false)
        out += "</Body><SystemSignature>".utf8
        system.write(signatureValue: systemValue, keyInfo: .x509Data(identity.keyCertificatesBase64), to: &out, canonical: false)
        out += "</SystemSignature></Envelope>\n".utf8
        return out
    }
}

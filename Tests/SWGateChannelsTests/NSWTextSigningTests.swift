import Foundation
import SWGateChannels
import SWGateDomain
import SWGateTesting
import SWGateXML
import Testing

@testable import SWGateAS4
@testable import SWGateNSW
@testable import SWGateSecurity

/// `signForNSW` signs the envelope as text (`signNSWEnvelope(header:contentId:document:)`): the
/// document parsed on its own, the signatures computed over canonical text. The tree signer
/// (`signNSWEnvelope(_:at:)` over the built envelope) is the reference: same digests, same
/// signature values, the same bytes where the document is written as the serialiser writes it, and
/// the tree path itself wherever the document needs it.
@Suite("NSW envelopes signed as text")
struct NSWTextSigningTests {
    static let date = Date(timeIntervalSince1970: 1_800_000_000)
    static let gateway = ChannelTest.gateway
    static let builder = NSWEnvelopeBuilder(from: gateway.configuration.localParty, to: gateway.configuration.nswParty)

    /// The envelope signed as text (through `signForNSW`) and by the tree signer.
    static func bothWays(_ document: [UInt8], messageId: String = "text-signing-1") throws -> (text: [UInt8], tree: [UInt8]) {
        let summary = try SecurityServices.formDSummary(document)
        let codes = SecurityServices.formDProfile.nsw!
        let text = try gateway.signForNSW(document, summary: summary, codes: codes, messageId: messageId, at: date)
        let envelope = builder.envelope(document: document, summary: summary, codes: codes, messageId: messageId, sendDate: date)
        let tree = try gateway.signNSWEnvelope(Array(envelope.utf8), at: date)
        return (text, tree)
    }

    /// Whether the text path takes `document` (rather than leaving it to the tree).
    static func takenAsText(_ document: [UInt8]) throws -> Bool {
        let summary = try SecurityServices.formDSummary(document)
        let header = builder.header(summary: summary, codes: SecurityServices.formDProfile.nsw!, messageId: "m", sendDate: date)
        return try gateway.signNSWEnvelope(header: Array(header.utf8), contentId: builder.contentId, document: document) != nil
    }

    /// The texts of every `ds:DigestValue` and `ds:SignatureValue`, in document order.
    static func values(_ envelope: [UInt8]) -> [String] {
        let text = String(decoding: envelope, as: UTF8.self)
        return text.matches(of: /<ds:(?:DigestValue|SignatureValue)>([^<]*)</).map { String($0.1) }
    }

    @Test(
        "Every valid Form D fixture: the bytes the tree signer writes",
        arguments: ChannelTest.validFormDFixtures)
    func sameBytes(_ fixture: String) throws {
        let document = try Fixtures.bytes("valid/" + fixture)
        #expect(try Self.takenAsText(document))
        let (text, tree) = try Self.bothWays(document)
        #expect(String(decoding: text, as: UTF8.self) == String(decoding: tree, as: UTF8.self))
        #expect(Self.values(text).count == 4)
    }

    /// The same Form D spelled differently: the signatures are made over canonical forms, so the
    /// digests and signature values are the tree signer's, and the partner's verifiers (native and
    /// xmlsec) accept the envelope sent with the document's own text.
    @Test(
        "The document's own spelling: same signature values, verified by both engines",
        arguments: [
            "bom-declaration", "empty-end-tags", "single-quotes", "character-references", "crlf", "unused-prefix", "raw-greater-than",
        ])
    func spelling(_ variant: String) throws {
        var text = String(decoding: try ChannelTest.formD(), as: UTF8.self)
        switch variant {
        case "bom-declaration":
            text = text.replacingOccurrences(
                of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "\u{FEFF}<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>")
        case "empty-end-tags": text = text.replacingOccurrences(of: "<Function>ISSUE</Function>", with: "<Function>ISSUE</Function><Remarks/>")
        case "single-quotes": text = text.replacingOccurrences(of: "unit=\"KGM\"", with: "unit = 'KGM' ")
        case "character-references": text = text.replacingOccurrences(of: "Tôm sú", with: "T&#xF4;m s&#250;")
        case "crlf": text = text.replacingOccurrences(of: "\n", with: "\r\n")
        case "unused-prefix": text = text.replacingOccurrences(of: "<FormD ", with: "<FormD xmlns:x=\"urn:example:unused\" ")
        case "raw-greater-than":
            text = text.replacingOccurrences(of: "size 16/20", with: "size > 16 &amp; < 20".replacingOccurrences(of: "< ", with: "&lt; "))
        default: Issue.record("unknown variant")
        }
        let document = Array(text.utf8)
        #expect(try Self.takenAsText(document))
        let (signed, tree) = try Self.bothWays(document)
        #expect(Self.values(signed) == Self.values(tree))
        #expect(Self.values(signed).count == 4)
        for verifier in [ChannelTest.nsw, ChannelTest.xmlsecNSW] {
            let verification = try verifier.verifyNSWEnvelope(signed, at: Self.date)
            #expect(verification.messageId == "text-signing-1")
            #expect(verification.sender == "MOIT-VN")
        }
    }

    @Test("A changed byte in the signed Content or Header is caught")
    func tamperingCaught() throws {
        let (signed, _) = try Self.bothWays(try ChannelTest.formD())
        for (from, to) in [("12600.000", "12600.001"), ("<documentYear>2026", "<documentYear>2025")] {
            let tampered = Array(String(decoding: signed, as: UTF8.self).replacingOccurrences(of: from, with: to).utf8)
            #expect(tampered != signed)
            #expect(throws: SignatureError.self) { try ChannelTest.nsw.verifyNSWEnvelope(tampered, at: Self.date) }
        }
    }

    /// Documents the text path does not take go through the tree, which behaves as before.
    @Test(
        "Comments, processing instructions, the envelope's own namespace: signed through the tree",
        arguments: [
            "comment", "processing-instruction", "comment-after-root", "envelope-namespace", "no-namespace",
        ])
    func treePath(_ variant: String) throws {
        var text = String(decoding: try ChannelTest.formD(), as: UTF8.self)
        switch variant {
        case "comment": text = text.replacingOccurrences(of: "<Function>", with: "<!-- issued --><Function>")
        case "processing-instruction": text = text.replacingOccurrences(of: "<Function>", with: "<?audit x?><Function>")
        case "comment-after-root": text += "<!-- after -->"
        case "envelope-namespace":
            // An element in the envelope's own default namespace would not declare it inside the envelope.
            text = text.replacingOccurrences(
                of: "<Function>ISSUE</Function>", with: "<Note xmlns=\"urn:swgate:nsw:envelope:1\">x</Note><Function>ISSUE</Function>")
        case "no-namespace":
            // It would get an xmlns="" inside the envelope that it does not have on its own.
            text = text.replacingOccurrences(of: "<Function>ISSUE</Function>", with: "<Note xmlns=\"\">x</Note><Function>ISSUE</Function>")
        default: Issue.record("unknown variant")
        }
        let document = Array(text.utf8)
        #expect(try !Self.takenAsText(document))
        let (signed, tree) = try Self.bothWays(document)
        #expect(signed == tree)
        #expect(!String(decoding: signed, as: UTF8.self).contains("<!--"))
        _ = try ChannelTest.nsw.verifyNSWEnvelope(signed, at: Self.date)
    }

    @Test("An Id in the document that the envelope uses is refused, as the tree signer refuses it")
    func duplicateId() throws {
        let text = String(decoding: try ChannelTest.formD(), as: UTF8.self)
            .replacingOccurrences(of: "<Exporter>", with: "<Exporter Id=\"Content\">")
        let document = Array(text.utf8)
        #expect(try !Self.takenAsText(document))
        let error = try #require(throws: SignatureError.self) { _ = try Self.bothWays(document) }
        #expect(error.code == .duplicateId)
    }

    @Test("A header value with a character XML does not allow is left to the tree, which refuses it")
    func controlCharacterInHeader() throws {
        let document = try ChannelTest.formD()
        var summary = try SecurityServices.formDSummary(document)
        summary.reference = "VN-TH 26/03/\u{1}000123"
        let header = Self.builder.header(summary: summary, codes: SecurityServices.formDProfile.nsw!, messageId: "m", sendDate: Self.date)
        #expect(try Self.gateway.signNSWEnvelope(header: Array(header.utf8), contentId: "Content", document: document) == nil)
        #expect(throws: SignatureError.self) {
            try Self.gateway.signForNSW(document, summary: summary, codes: SecurityServices.formDProfile.nsw!, messageId: "m", at: Self.date)
        }
    }

    /// Both deliveries of a Form D sign the same document: the second uses the first one's parse.
    @Test("A document signed for the NSW and then the ASW is parsed once; another document is parsed for itself")
    func parsedOncePerDocument() throws {
        let services = try SecurityServices(configuration: .development(directory: ChannelTest.certificates))
        let document = try ChannelTest.formD()
        let nsw = try services.signFormDForNSW(document, messageId: "cache-1", at: Self.date)
        #expect(services.embeddedDocuments.parses == 1)
        let as4 = try services.signFormDForAS4(document, at: Self.date)
        #expect(services.embeddedDocuments.parses == 1)
        _ = try ChannelTest.nsw.verifyNSWEnvelope(nsw, at: Self.date)
        _ = try ChannelTest.asw.verifyAS4Message(as4, at: Self.date)
        // Another document is parsed for itself, and signed as the tree signer signs it.
        let other = Self.variant(of: document, 0)
        let (text, tree) = try Self.bothWays(other)
        #expect(text == tree)
        #expect(services.embeddedDocuments.parses == 1)  // `bothWays` signs with the shared services
        _ = try services.signFormDForNSW(other, messageId: "cache-2", at: Self.date)
        #expect(services.embeddedDocuments.parses == 2)
        let again = try services.signFormDForNSW(document, messageId: "cache-1", at: Self.date)
        #expect(services.embeddedDocuments.parses == 2)
        #expect(again == nsw)
    }

    /// After an outage both destinations drain a backlog, each at its own pace: the NSW's deliveries
    /// of a document can be hundreds of documents behind the ASW's. With 64 documents kept (the
    /// cache's first bound) these 300 were each parsed twice.
    @Test("A backlog of 300 documents signed for the ASW, then for the NSW: each is parsed once")
    func backlogParsedOnce() throws {
        let services = try SecurityServices(configuration: .development(directory: ChannelTest.certificates))
        let document = try ChannelTest.formD()
        let backlog = (0..<300).map { Self.variant(of: document, $0) }
        var signed: [[UInt8]] = []
        for item in backlog { signed.append(try services.signFormDForAS4(item, at: Self.date)) }
        #expect(services.embeddedDocuments.parses == backlog.count)
        for (index, item) in backlog.enumerated() { _ = try services.signFormDForNSW(item, messageId: "backlog-\(index)", at: Self.date) }
        #expect(services.embeddedDocuments.parses == backlog.count)
        #expect(services.embeddedDocuments.count == backlog.count)
        _ = try ChannelTest.asw.verifyAS4Message(signed[0], at: Self.date)
    }

    @Test("The cache drops its oldest documents beyond its count and beyond its bytes")
    func cacheBounds() throws {
        let document = try ChannelTest.formD()
        let documents = (0..<6).map { Self.variant(of: document, $0) }
        let byCount = EmbeddedDocumentCache(capacity: 4)
        for item in documents.prefix(5) { #expect(byCount.document(for: item) != nil) }
        #expect(byCount.parses == 5 && byCount.count == 4)
        _ = byCount.document(for: documents[4])  // the newest is kept
        _ = byCount.document(for: documents[1])  // so is the oldest of the four
        #expect(byCount.parses == 5)
        _ = byCount.document(for: documents[0])  // the first was dropped: parsed again, and it drops documents[1]
        #expect(byCount.parses == 6)
        _ = byCount.document(for: documents[1])
        #expect(byCount.parses == 7)

        // An entry holds the text and its canonical form: about twice the document. Room for four
        // (an entry is kept only when it takes at most a quarter of the bytes).
        let entry = 2 * document.count + 200
        let byBytes = EmbeddedDocumentCache(capacityBytes: 4 * entry + entry / 2)
        for item in documents.prefix(5) { _ = byBytes.document(for: item) }
        #expect(byBytes.count == 4)
        _ = byBytes.document(for: documents[4])
        _ = byBytes.document(for: documents[1])
        #expect(byBytes.parses == 5)
        _ = byBytes.document(for: documents[0])
        #expect(byBytes.parses == 6)

        // Dropping many, past the point where the order of keys is compacted, keeps the newest.
        let many = EmbeddedDocumentCache(capacity: 2)
        let small = (0..<600).map { Array("<a xmlns=\"urn:x\">\($0)</a>".utf8) }
        for item in small { _ = many.document(for: item) }
        #expect(many.count == 2 && many.parses == 600)
        _ = many.document(for: small[599])
        _ = many.document(for: small[598])
        #expect(many.parses == 600)
        _ = many.document(for: small[597])
        #expect(many.parses == 601)
    }

    /// `document` with its FOB value changed: another document of the same size and shape.
    static func variant(of document: [UInt8], _ index: Int) -> [UInt8] {
        Array(String(decoding: document, as: UTF8.self).replacingOccurrences(of: "12600.000", with: "\(10_000 + index).000").utf8)
    }

    @Test("The cache compares documents byte for byte: equal bytes in different arrays, a last byte changed, a length changed")
    func cacheComparesBytes() throws {
        let document = try ChannelTest.formD()
        var copy: [UInt8] = []
        copy.append(contentsOf: document)
        #expect(EmbeddedDocumentCache.same(document, copy))
        var changed = copy
        changed[changed.count - 1] ^= 1
        #expect(!EmbeddedDocumentCache.same(document, changed))
        #expect(!EmbeddedDocumentCache.same(document, Array(copy.dropLast())))
        #expect(EmbeddedDocumentCache.same([], []))
        #expect(!EmbeddedDocumentCache.same([], [0]))
    }

    @Test("A document larger than a quarter of the cache's bytes is signed as text but not kept")
    func largeDocumentNotKept() throws {
        let services = try SecurityServices(configuration: .development(directory: ChannelTest.certificates))
        let text = String(decoding: try ChannelTest.formD(), as: UTF8.self)
        let padding = String(repeating: "x", count: services.embeddedDocuments.capacityBytes / 8 + 1)
        let large = Array(text.replacingOccurrences(of: "size 16/20", with: "size 16/20 " + padding).utf8)
        let signed = try services.signFormDForNSW(large, messageId: "large-1", at: Self.date)
        _ = try ChannelTest.nsw.verifyNSWEnvelope(signed, at: Self.date)
        #expect(services.embeddedDocuments.count == 0)
        _ = try services.signFormDForNSW(large, messageId: "large-2", at: Self.date)
        #expect(services.embeddedDocuments.parses == 2)
    }

    /// Acknowledgements (the simulator's answers, the gateway's answers on /nsw) are signed as text
    /// too: their Content is written by the gateway in canonical form.
    @Test("An acknowledgement with a reason and errors: the tree signer's bytes; with a CR, its signature values")
    func acknowledgement() throws {
        let nswKeys = ChannelTest.nsw
        let from = nswKeys.configuration.localParty, to = nswKeys.configuration.nswParty
        var ack = NSWAcknowledgement(
            function: "REJECT", refMessageId: "m-1", reference: "VN-TH 26/03/000123", status: "REJECTED", reason: "\"quoted\" & <bracketed> 'reason'",
            errors: [.init(code: "E1", message: "a > b", path: "/FormD/Item[1]"), .init(code: "E2", message: "no path")])
        ack.subjectType = "LIC"
        let text = try nswKeys.signAcknowledgement(ack, from: from, to: to, messageId: "ack-1", at: Self.date)
        let tree = try nswKeys.signNSWEnvelope(ack.envelope(from: from, to: to, messageId: "ack-1", date: Self.date), at: Self.date)
        #expect(String(decoding: text, as: UTF8.self) == String(decoding: tree, as: UTF8.self))
        let parts = ack.parts(from: from, to: to, messageId: "ack-1", date: Self.date)
        #expect(
            try nswKeys.signNSWEnvelope(header: Array(parts.header.utf8), contentId: "Content", canonicalContent: Array(parts.content.utf8)) != nil)

        ack.reason = "line one\r\nline two"
        let withCR = try nswKeys.signAcknowledgement(ack, from: from, to: to, messageId: "ack-2", at: Self.date)
        let treeWithCR = try nswKeys.signNSWEnvelope(ack.envelope(from: from, to: to, messageId: "ack-2", date: Self.date), at: Self.date)
        #expect(Self.values(withCR) == Self.values(treeWithCR))
        for verifier in [Self.gateway, ChannelTest.xmlsecGateway] {
            let verification = try verifier.verifyNSWEnvelope(withCR, at: Self.date)
            #expect(verification.sender == "NSW-VN")
        }
        let document = try XMLDocument(bytes: withCR)
        #expect(NSWAcknowledgement(envelope: document.root)?.reason == "line one\r\nline two")
    }
}

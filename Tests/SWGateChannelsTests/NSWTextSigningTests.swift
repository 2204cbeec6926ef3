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
    @Test("A document signed for the NSW and then the ASW is parsed once; the 64 most recent are kept")
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
        let others = (0..<EmbeddedDocumentCache.capacity).map { index in
            Array(String(decoding: document, as: UTF8.self).replacingOccurrences(of: "12600.000", with: "\(10_000 + index).000").utf8)
        }
        let (text, tree) = try Self.bothWays(others[0])
        #expect(text == tree)
        #expect(services.embeddedDocuments.parses == 1)  // `bothWays` signs with the shared services
        _ = try services.signFormDForNSW(others[0], messageId: "cache-2", at: Self.date)
        #expect(services.embeddedDocuments.parses == 2)
        // 64 newer documents push the first one out: it is parsed again.
        for other in others.dropFirst() { _ = try services.signFormDForNSW(other, messageId: "cache-3", at: Self.date) }
        #expect(services.embeddedDocuments.parses == 1 + EmbeddedDocumentCache.capacity)
        let again = try services.signFormDForNSW(document, messageId: "cache-1", at: Self.date)
        #expect(services.embeddedDocuments.parses == 2 + EmbeddedDocumentCache.capacity)
        #expect(again == nsw)
        #expect(services.embeddedDocuments.count == EmbeddedDocumentCache.capacity)
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
        let padding = String(repeating: "x", count: EmbeddedDocumentCache.capacityBytes / 8 + 1)
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

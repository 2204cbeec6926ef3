import Foundation
import SWGateChannels
import SWGateDomain
import SWGateSecurity
import SWGateTesting
import SWGateXML
import Testing

@testable import SWGateAS4

/// The AS4 channel signs its user messages as text (`signedAS4MessageAsText`): the document parsed
/// on its own, the Body, `eb:Messaging` and Timestamp hashed from canonical text. The tree signer
/// (`signedAS4Message(_:)` over the same message text) is the reference, as for the NSW envelope.
@Suite("AS4 user messages signed as text")
struct AS4TextSigningTests {
    static let date = Date(timeIntervalSince1970: 1_800_000_000)
    static let gateway = ChannelTest.gateway

    /// The parts of a user message for `document`, as the channel builds them.
    static func parts(_ document: [UInt8], conversation: String? = nil) throws -> AS4MessageText {
        AS4MessageBuilder().userMessageText(
            summary: try SecurityServices.formDSummary(document), codes: SecurityServices.formDProfile.as4!,
            certificate: gateway.systemIdentity.certificate, messageId: "text-signing-1@swgate", conversationId: conversation, at: date)
    }

    /// The message signed as text (`nil`: left to the tree) and by the tree signer, from the same parts.
    static func bothWays(_ document: [UInt8], conversation: String? = nil) throws -> (text: SignedAS4Message?, tree: SignedAS4Message) {
        let parts = try parts(document, conversation: conversation)
        let text = try gateway.signedAS4MessageAsText(parts, document: document)
        let tree = try gateway.signedAS4Message(Array(parts.text(body: XMLText.embeddableBytes(document)).utf8))
        return (text, tree)
    }

    static func values(_ message: [UInt8]) -> [String] {
        String(decoding: message, as: UTF8.self).matches(of: /<ds:(?:DigestValue|SignatureValue)>([^<]*)</).map { String($0.1) }
    }

    @Test(
        "Every valid Form D fixture: the bytes and digests the tree signer gives",
        arguments: ChannelTest.validFormDFixtures)
    func sameBytes(_ fixture: String) throws {
        let (text, tree) = try Self.bothWays(try Fixtures.bytes("valid/" + fixture))
        let signed = try #require(text, "left to the tree")
        #expect(String(decoding: signed.bytes, as: UTF8.self) == String(decoding: tree.bytes, as: UTF8.self))
        #expect(signed.referenceDigests == tree.referenceDigests)
        #expect(signed.referenceDigests.count == 3)
    }

    /// An element in no namespace is taken here (the envelope has no default namespace to inherit).
    @Test("Values that need escaping in eb:Messaging, and the document's own spelling: the tree signer's digests, verified by both engines")
    func escapingAndSpelling() throws {
        let text = String(decoding: try ChannelTest.formD(), as: UTF8.self)
            .replacingOccurrences(of: "<Function>ISSUE</Function>", with: "<Function>ISSUE</Function><Remarks/><Note xmlns=\"\">x</Note>")
            .replacingOccurrences(of: "unit=\"KGM\"", with: "unit='KGM'")
            .replacingOccurrences(of: "\n", with: "\r\n")
        let document = Array(text.utf8)
        let (signed, tree) = try Self.bothWays(document, conversation: "VN-TH \"A&B\" <26>\r'1'")
        let message = try #require(signed, "left to the tree")
        #expect(message.referenceDigests == tree.referenceDigests)
        #expect(Self.values(message.bytes) == Self.values(tree.bytes))
        for verifier in [ChannelTest.asw, ChannelTest.xmlsecASW] {
            let verification = try verifier.verifyAS4Message(message.bytes, at: Self.date)
            #expect(verification.conversationId == "VN-TH \"A&B\" <26>\r'1'")
            #expect(verification.messageId == "text-signing-1@swgate")
            #expect(
                Dictionary(uniqueKeysWithValues: verification.nonRepudiationInformation.map { ($0.uri, $0.digestValue) }) == message.referenceDigests)
        }
    }

    @Test("A changed byte in the Body, eb:Messaging or the Timestamp is caught")
    func tamperingCaught() throws {
        let signed = try #require(try Self.bothWays(try ChannelTest.formD()).text)
        for (from, to) in [("12600.000", "12600.001"), ("<eb:Action>", "<eb:Action>x"), ("<wsu:Expires>2027", "<wsu:Expires>2028")] {
            let tampered = Array(String(decoding: signed.bytes, as: UTF8.self).replacingOccurrences(of: from, with: to).utf8)
            #expect(tampered != signed.bytes)
            #expect(throws: SignatureError.self) { try ChannelTest.asw.verifyAS4Message(tampered, at: Self.date) }
        }
    }

    @Test(
        "Comments, a wsu or S12 binding, a reserved Id: left to the tree, which behaves as before",
        arguments: [
            "comment", "wsu-binding", "s12-binding", "reserved-id",
        ])
    func treePath(_ variant: String) throws {
        var text = String(decoding: try ChannelTest.formD(), as: UTF8.self)
        let parts = try Self.parts(Array(text.utf8))
        switch variant {
        case "comment": text = text.replacingOccurrences(of: "<Function>", with: "<!-- issued --><Function>")
        case "wsu-binding":
            // The Body already renders wsu: inside it, the document would not declare it.
            text = text.replacingOccurrences(of: "<FormD ", with: "<FormD xmlns:wsu=\"\(Namespace.wsu)\" wsu:Id=\"formd\" ")
        case "s12-binding":
            text = text.replacingOccurrences(
                of: "<Function>ISSUE</Function>", with: "<Function xmlns:S12=\"\(Namespace.soap12)\" S12:role=\"x\">ISSUE</Function>")
        case "reserved-id": text = text.replacingOccurrences(of: "<Exporter>", with: "<Exporter Id=\"\(parts.ids.timestamp)\">")
        default: Issue.record("unknown variant")
        }
        let document = Array(text.utf8)
        #expect(try Self.gateway.signedAS4MessageAsText(parts, document: document) == nil)
        if variant == "reserved-id" {
            let error = try #require(throws: SignatureError.self) { _ = try Self.gateway.signedAS4Message(parts, document: document) }
            #expect(error.code == .duplicateId)
            return
        }
        let signed = try Self.gateway.signedAS4Message(parts, document: document)
        let tree = try Self.gateway.signedAS4Message(Array(parts.text(body: XMLText.embeddableBytes(document)).utf8))
        #expect(signed.bytes == tree.bytes)
        _ = try ChannelTest.asw.verifyAS4Message(signed.bytes, at: Self.date)
    }

    /// Receipts (the simulator's, the gateway's on /as4) are signed as text: an empty Body, and
    /// `eb:Messaging` written in canonical form.
    @Test("A receipt: the tree signer's digests and signature value, verified by both engines; its digests read back")
    func receipt() throws {
        let message = try #require(try Self.bothWays(try ChannelTest.formD()).text)
        let verification = try ChannelTest.asw.verifyAS4Message(message.bytes, at: Self.date)
        let parts = AS4MessageBuilder().receiptText(
            for: verification, certificate: ChannelTest.asw.systemIdentity.certificate, messageId: "receipt-1@swgate", at: Self.date)
        let signed = try #require(try ChannelTest.asw.signedAS4MessageAsText(parts, document: nil))
        let tree = try ChannelTest.asw.signedAS4Message(Array(parts.text(body: []).utf8))
        #expect(signed.referenceDigests == tree.referenceDigests)
        #expect(Self.values(signed.bytes) == Self.values(tree.bytes))
        #expect(String(decoding: signed.bytes, as: UTF8.self).contains("/></S12:Envelope>\n"))
        for verifier in [Self.gateway, ChannelTest.xmlsecGateway] {
            let answer = try verifier.verifyAS4Message(signed.bytes, partner: "TH", at: Self.date)
            #expect(answer.isSignal)
            #expect(answer.refToMessageId == "text-signing-1@swgate")
        }
        let document = try XMLDocument(bytes: signed.bytes)
        #expect(AS4Signals.receiptDigests(document.root) == message.referenceDigests)
    }
}

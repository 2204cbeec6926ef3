import SWGateTesting
import Foundation
import SWGateSecurity
import Testing

@Suite struct NSWSignatureTests {
    let services = TestPKI.services

    func signed() throws -> String {
        TestPKI.text(try services.signFormDForNSW(TestPKI.formD))
    }

    @Test func signedEnvelopeVerifiesWithBothSignatures() throws {
        let envelope = try signed()
        #expect(envelope.contains("<SystemSignature>"))
        #expect(envelope.contains("<reference>VN-2026-0001234</reference>"))
        #expect(envelope.contains("Xuất khẩu"), "non-ASCII text keeps its bytes")
        let result = try services.verifyNSWEnvelope(TestPKI.bytes(envelope))
        #expect(result.sender == "MOIT-VN")
        #expect(result.contentSignature.references.map(\.uri) == ["#Content"])
        #expect(result.systemSignature.references.map(\.uri) == [""])
        #expect(result.contentSignature.signerSubject.contains("gateway.swgate.test"))
        #expect(result.systemSignature.signatureMethod == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
    }

    @Test func officerSignedContentIsKeptAndVerified() throws {
        let officer = try TestPKI.services(signingAs: "officer")
        let officerSigned = TestPKI.text(try officer.signFormDForNSW(TestPKI.formD))
        // Hand over the officer-signed Content without its SystemSignature, as the portal would.
        let start = officerSigned.range(of: "<SystemSignature>")!.lowerBound
        let end = officerSigned.range(of: "</SystemSignature>")!.upperBound
        let handedOver = officerSigned.replacingCharacters(in: start..<end, with: "")
        let contentSignature = String(handedOver[handedOver.range(of: "<ds:Signature")!.lowerBound...])
        let result = TestPKI.text(try services.signNSWEnvelope(TestPKI.bytes(handedOver)))
        #expect(result.contains(contentSignature.prefix(upTo: contentSignature.range(of: "</ds:Signature>")!.upperBound)))
        let verified = try services.verifyNSWEnvelope(TestPKI.bytes(result))
        #expect(verified.contentSignature.signerSubject.contains("Officer"))
        #expect(verified.systemSignature.signerSubject.contains("gateway"))
    }

    @Test func forgedOfficerSignatureIsRefusedWhenSigning() throws {
        let rogue = try TestPKI.services(signingAs: "rogue")
        let forged = TestPKI.text(try rogue.signFormDForNSW(TestPKI.formD))
        let start = forged.range(of: "<SystemSignature>")!.lowerBound
        let end = forged.range(of: "</SystemSignature>")!.upperBound
        expectRefusal(.untrustedCertificate) { try _ = services.signNSWEnvelope(TestPKI.bytes(forged.replacingCharacters(in: start..<end, with: ""))) }
    }

    @Test func everyChangedByteOfSignedContentTextIsRefused() throws {
        let envelope = try TestPKI.bytes(signed())
        let text = TestPKI.text(envelope)
        let contentStart = text.utf8.distance(from: text.startIndex, to: text.range(of: "<Content Id=\"Content\">")!.upperBound)
        let contentEnd = text.utf8.distance(from: text.startIndex, to: text.range(of: "</Content>")!.lowerBound)
        var insideTag = false
        var insideEntity = false
        var checked = 0
        for offset in contentStart..<contentEnd {
            let byte = envelope[offset]
            if byte == UInt8(ascii: "<") { insideTag = true }
            if byte == UInt8(ascii: "&") { insideEntity = true }
            defer {
                if byte == UInt8(ascii: ">") { insideTag = false }
                if byte == UInt8(ascii: ";") { insideEntity = false }
            }
            guard !insideTag, !insideEntity, (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) else { continue }
            var mutated = envelope
            mutated[offset] = byte == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
            expectRefusal(.digestMismatch) { try _ = services.verifyNSWEnvelope(mutated) }
            checked += 1
        }
        #expect(checked > 100)
    }

    @Test func changedHeaderOrSignedInfoIsRefused() throws {
        let envelope = try signed()
        let header = envelope.replacingOccurrences(of: "<identity>NSW-VN</identity>", with: "<identity>NSW-XX</identity>")
        expectRefusal(.digestMismatch) { try _ = services.verifyNSWEnvelope(TestPKI.bytes(header)) }
        // Change the first DigestValue's first character: SignedInfo no longer matches SignatureValue.
        let range = envelope.range(of: "<ds:DigestValue>")!
        var signedInfo = envelope
        let index = range.upperBound
        signedInfo.replaceSubrange(index...index, with: envelope[index] == "A" ? "B" : "A")
        let code = refusalCode { _ = try services.verifyNSWEnvelope(TestPKI.bytes(signedInfo)) }
        #expect(code == .signatureInvalid || code == .digestMismatch)
    }

    @Test func commentAndWhitespaceInjectionIsRefused() throws {
        let envelope = try signed()
        let comment = envelope.replacingOccurrences(of: "VN-2026-0001234</ReferenceNumber>", with: "VN-2026<!---->-0001234</ReferenceNumber>")
        expectRefusal(.commentInSignedData) { try _ = services.verifyNSWEnvelope(TestPKI.bytes(comment)) }
        let whitespace = envelope.replacingOccurrences(of: "<ReferenceNumber>VN", with: "<ReferenceNumber> VN")
        expectRefusal(.digestMismatch) { try _ = services.verifyNSWEnvelope(TestPKI.bytes(whitespace)) }
    }

    @Test func signedContentMovedAndReplacedIsRefused() throws {
        let envelope = try signed()
        let original = String(envelope[envelope.range(of: "<Content Id=\"Content\">")!.lowerBound..<envelope.range(of: "</Content>")!.upperBound])
        let evil = original.replacingOccurrences(of: "Frozen shrimp", with: "Gold bullion")
        // Same Id twice: the original hidden in the Header, the replacement in Body.
        let hidden = envelope.replacingOccurrences(of: original, with: evil)
            .replacingOccurrences(of: "</Subject>", with: "</Subject><Extension>\(original)</Extension>")
        expectRefusal(.duplicateId) { try _ = services.verifyNSWEnvelope(TestPKI.bytes(hidden)) }
        // Original kept in Body under a new wrapper and the replacement first.
        let wrapped = envelope.replacingOccurrences(of: original, with: evil + "<Wrapper>\(original)</Wrapper>")
        expectRefusal(.wrapping) { try _ = services.verifyNSWEnvelope(TestPKI.bytes(wrapped)) }
        // Replacement with a new Id, original moved into a ds:Object of the Content signature.
        let renamed = envelope.replacingOccurrences(of: original, with: evil.replacingOccurrences(of: "Id=\"Content\"", with: "Id=\"Evil\""))
            .replacingOccurrences(of: "</ds:KeyInfo></ds:Signature></Body>", with: "</ds:KeyInfo><ds:Object>\(original)</ds:Object></ds:Signature></Body>")
        expectRefusal(.wrapping) { try _ = services.verifyNSWEnvelope(TestPKI.bytes(renamed)) }
    }

    @Test func duplicateIdsAnywhereAreRefused() throws {
        let envelope = try signed()
        let duplicate = envelope.replacingOccurrences(of: "<Header>", with: "<Header Id=\"Content\">")
        expectRefusal(.duplicateId) { try _ = services.verifyNSWEnvelope(TestPKI.bytes(duplicate)) }
        let xmlID = envelope.replacingOccurrences(of: "<Subject>", with: "<Subject xml:id=\"Content\">")
        expectRefusal(.duplicateId) { try _ = services.verifyNSWEnvelope(TestPKI.bytes(xmlID)) }
    }

    @Test func extraSignatureIsRefused() throws {
        let envelope = try signed()
        let system = String(envelope[envelope.range(of: "<SystemSignature>")!.upperBound..<envelope.range(of: "</SystemSignature>")!.lowerBound])
        let extraInHeader = envelope.replacingOccurrences(of: "</Subject>", with: "</Subject>" + system)
        expectRefusal(.unexpectedSignature) { try _ = services.verifyNSWEnvelope(TestPKI.bytes(extraInHeader)) }
        let twoInSystem = envelope.replacingOccurrences(of: "</SystemSignature>", with: system + "</SystemSignature>")
        expectRefusal(.unexpectedSignature) { try _ = services.verifyNSWEnvelope(TestPKI.bytes(twoInSystem)) }
        let withoutSystem = envelope.replacingOccurrences(of: "<SystemSignature>" + system + "</SystemSignature>", with: "")
        expectRefusal(.missingSignature) { try _ = services.verifyNSWEnvelope(TestPKI.bytes(withoutSystem)) }
        expectRefusal(.unexpectedSignature) { try _ = services.signNSWEnvelope(TestPKI.bytes(envelope)) }
    }

    @Test func unknownSenderIsRefused() throws {
        let envelope = try TestPKI.services(signingAs: "gateway") { $0.localParty.identity = "SOMEONE-ELSE" }.signFormDForNSW(TestPKI.formD)
        expectRefusal(.unknownPartner) { try _ = services.verifyNSWEnvelope(envelope) }
    }

    @Test func hostileXMLIsRefusedBeforeAnyCryptography() throws {
        let doctype = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"boom\">]><Envelope xmlns=\"urn:swgate:nsw:envelope:1\">&e;</Envelope>"
        expectRefusal(.malformedMessage) { try _ = services.verifyNSWEnvelope(TestPKI.bytes(doctype)) }
        expectRefusal(.malformedMessage) { try _ = services.verifyNSWEnvelope(TestPKI.bytes("<FormD xmlns=\"urn:swgate:atiga:form-d:1\"/>")) }
    }
}

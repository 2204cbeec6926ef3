import Foundation
import SWGateAS4
import SWGateDomain
import SWGateNSW
import SWGateSecurity
import SWGateTesting
import Testing

@Suite struct AS4SignatureTests {
    let services = TestPKI.services

    func signed(at date: Date = Date()) throws -> String {
        TestPKI.text(try services.signFormDForAS4(TestPKI.formD, at: date))
    }

    @Test func signedUserMessageVerifies() throws {
        let message = try signed()
        #expect(message.contains("<eb:ConversationId>VN-2026-0001234</eb:ConversationId>"))
        #expect(message.contains("wsse:SecurityTokenReference"))
        let result = try services.verifyAS4Message(TestPKI.bytes(message))
        #expect(result.fromParty == "VN")
        #expect(result.toParty == "TH")
        #expect(result.conversationId == "VN-2026-0001234")
        #expect(result.nonRepudiationInformation.count == 3)
        #expect(
            result.nonRepudiationInformation.allSatisfy { $0.digestMethod == "http://www.w3.org/2001/04/xmlenc#sha256" && !$0.digestValue.isEmpty })
    }

    @Test func signedReceiptCarriesTheVerifiedDigestsAndVerifies() throws {
        let verification = try services.verifyAS4Message(TestPKI.bytes(try signed()))
        let receipt = TestPKI.text(try services.signedReceipt(for: verification))
        for reference in verification.nonRepudiationInformation {
            #expect(receipt.contains("<ds:DigestValue>\(reference.digestValue)</ds:DigestValue>"))
        }
        let verifiedReceipt = try services.verifyAS4Message(TestPKI.bytes(receipt), partner: "VN")
        #expect(verifiedReceipt.isSignal)
        #expect(verifiedReceipt.refToMessageId == verification.messageId)
        expectRefusal(.signerNotPartner) { try _ = services.verifyAS4Message(TestPKI.bytes(receipt), partner: "TH") }
    }

    @Test func staleOrFutureTimestampIsRefused() throws {
        let message = TestPKI.bytes(try signed())
        let skew = services.configuration.clockSkewSeconds
        let lifetime = services.configuration.timestampLifetimeSeconds
        _ = try services.verifyAS4Message(message, at: Date().addingTimeInterval(lifetime + skew - 5))
        expectRefusal(.timestampStale) { try _ = services.verifyAS4Message(message, at: Date().addingTimeInterval(lifetime + skew + 5)) }
        expectRefusal(.timestampStale) { try _ = services.verifyAS4Message(message, at: Date().addingTimeInterval(-skew - 5)) }
    }

    @Test func tamperedPartsAreRefused() throws {
        let message = try signed()
        let body = message.replacingOccurrences(of: "Frozen shrimp", with: "Frozen shrimps")
        expectRefusal(.digestMismatch) { try _ = services.verifyAS4Message(TestPKI.bytes(body)) }
        let messaging = message.replacingOccurrences(of: "<eb:Action>SubmitFormD</eb:Action>", with: "<eb:Action>Cancel</eb:Action>")
        expectRefusal(.digestMismatch) { try _ = services.verifyAS4Message(TestPKI.bytes(messaging)) }
        let claimed = message.replacingOccurrences(of: ">VN</eb:PartyId>", with: ">TH</eb:PartyId>")
        expectRefusal(.signerNotPartner) { try _ = services.verifyAS4Message(TestPKI.bytes(claimed)) }
    }

    @Test func wrappedBodyIsRefused() throws {
        let message = try signed()
        let bodyStart = message.range(of: "<S12:Body")!.lowerBound
        let bodyEnd = message.range(of: "</S12:Body>")!.upperBound
        let original = String(message[bodyStart..<bodyEnd])
        let evil = original.replacingOccurrences(of: "Frozen shrimp", with: "Gold bullion")
        // Original Body hidden in a header block, evil Body with the same wsu:Id in its place.
        let hidden = message.replacingOccurrences(of: original, with: evil)
            .replacingOccurrences(of: "</S12:Header>", with: "<Wrapper xmlns=\"urn:x\">\(original)</Wrapper></S12:Header>")
        expectRefusal(.duplicateId) { try _ = services.verifyAS4Message(TestPKI.bytes(hidden)) }
        // Second Body after the signed one.
        let twoBodies = message.replacingOccurrences(
            of: "</S12:Envelope>", with: evil.replacingOccurrences(of: "wsu:Id=\"body-", with: "wsu:Id=\"x-") + "</S12:Envelope>")
        expectRefusal(.wrapping) { try _ = services.verifyAS4Message(TestPKI.bytes(twoBodies)) }
        // Evil Body with a fresh Id: the signature's reference no longer matches the processed Body.
        let renamed = message.replacingOccurrences(of: original, with: evil.replacingOccurrences(of: "wsu:Id=\"body-", with: "wsu:Id=\"evil-"))
        expectRefusal(.wrapping) { try _ = services.verifyAS4Message(TestPKI.bytes(renamed)) }
        // Timestamp moved out of wsse:Security.
        let tsStart = message.range(of: "<wsu:Timestamp")!.lowerBound
        let tsEnd = message.range(of: "</wsu:Timestamp>")!.upperBound
        let timestamp = String(message[tsStart..<tsEnd])
        let movedTimestamp = message.replacingOccurrences(of: timestamp, with: "")
            .replacingOccurrences(of: "</S12:Header>", with: "<Wrapper xmlns=\"urn:x\">\(timestamp)</Wrapper></S12:Header>")
        expectRefusal(.wrapping) { try _ = services.verifyAS4Message(TestPKI.bytes(movedTimestamp)) }
    }

    @Test func extraOrMissingSignatureIsRefused() throws {
        let message = try signed()
        let signature = String(message[message.range(of: "<ds:Signature")!.lowerBound..<message.range(of: "</ds:Signature>")!.upperBound])
        let inBody = message.replacingOccurrences(of: "</FormD>", with: signature + "</FormD>")
        expectRefusal(.unexpectedSignature) { try _ = services.verifyAS4Message(TestPKI.bytes(inBody)) }
        let twice = message.replacingOccurrences(of: signature, with: signature + signature)
        expectRefusal(.unexpectedSignature) { try _ = services.verifyAS4Message(TestPKI.bytes(twice)) }
        let none = message.replacingOccurrences(of: signature, with: "")
        expectRefusal(.missingSignature) { try _ = services.verifyAS4Message(TestPKI.bytes(none)) }
    }
}

extension AS4SignatureTests {
    /// The user message signed at `date`, its wsu:Timestamp written in the zone `offset` ("+07:00").
    func signed(at date: Date, timestampOffset offset: String, hours: Double) throws -> [UInt8] {
        var builder = AS4MessageBuilder()
        builder.timestampLifetime = services.configuration.timestampLifetimeSeconds
        var text = builder.userMessage(
            document: TestPKI.formD, summary: try SecurityServices.formDSummary(TestPKI.formD), codes: SecurityServices.formDProfile.as4!,
            certificate: services.systemIdentity.certificate, at: date)
        for (element, instant) in [("Created", date), ("Expires", date.addingTimeInterval(services.configuration.timestampLifetimeSeconds))] {
            let utc = XMLText.dateTime(instant)
            // The same instant in local time `hours` ahead of UTC: wall clock shifted, zone named.
            let local = String(XMLText.dateTime(instant.addingTimeInterval(hours * 3600)).dropLast()) + offset
            let before = text
            text = text.replacingOccurrences(of: "<wsu:\(element)>\(utc)</wsu:\(element)>", with: "<wsu:\(element)>\(local)</wsu:\(element)>")
            #expect(text != before, "no wsu:\(element) \(utc) in the message")
        }
        return try services.signAS4Message(Array(text.utf8))
    }

    @Test("A timestamp written with a zone offset is read at its instant: fresh in +07:00 or -03:30 verifies, and its expiry is judged in UTC")
    func timestampWithZoneOffset() throws {
        let now = Date()
        let eastern = try signed(at: now, timestampOffset: "+07:00", hours: 7)
        _ = try services.verifyAS4Message(eastern, at: now)
        let western = try signed(at: now, timestampOffset: "-03:30", hours: -3.5)
        _ = try services.verifyAS4Message(western, at: now)
        let lifetime = services.configuration.timestampLifetimeSeconds
        let skew = services.configuration.clockSkewSeconds
        expectRefusal(.timestampStale) { try _ = services.verifyAS4Message(eastern, at: now.addingTimeInterval(lifetime + skew + 5)) }
    }
}

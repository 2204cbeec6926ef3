import Foundation
import SWGateAS4
import SWGateChannels
import SWGateDelivery
import SWGateDomain
import SWGateNSW
import SWGateSecurity

/// `POST /nsw`: every check the endpoint makes before it stores anything (hardened parse, SOAP 1.1
/// schema and structure, both NSW signatures bound to the sender, the business content).
struct NSWInboundTarget: FuzzTarget {
    let name = "nsw-inbound"
    let endpoint = NSWEndpoint(security: FuzzEnvironment.gateway(), store: FuzzEnvironment.store(), validator: FuzzEnvironment.validator())

    func generatedSeeds() -> [[UInt8]] {
        let nsw = FuzzEnvironment.partner(.nsw)
        let profiles = FuzzEnvironment.profiles
        return FuzzEnvironment.load("signed NSW messages") {
            var seeds: [[UInt8]] = []
            for (document, type) in [(FuzzEnvironment.formD, DocumentProfile.formDType), (FuzzEnvironment.licence, "IMPORT-EXPORT-LICENCE")] {
                guard let profile = profiles.profile(named: type), let codes = profile.nsw else { continue }
                let signed = try nsw.signForNSW(document, summary: FuzzEnvironment.summary(document, profile), codes: codes)
                seeds.append(FuzzEnvironment.soap11(signed))
            }
            let status = NSWAcknowledgement(
                function: "STATUS", refMessageId: "fuzz-message", reference: "VN-TH 26/03/000123", status: "PREFERENCE_GIVEN")
            seeds.append(FuzzEnvironment.soap11(try nsw.signNSWEnvelope(status.envelope(from: .developmentNSW, to: .developmentMinistry))))
            return seeds
        }
    }

    func run(_ input: [UInt8]) {
        let outcome = endpoint.check(input)
        verbose("\(outcome)")
        switch outcome {
        case .success(let inbound):
            if inbound.messageId.isEmpty { finding("a verified NSW envelope without a message id") }
        case .failure(let refusal):
            if refusal.reason.isEmpty { finding("a refusal without a reason (check \(refusal.check))") }
        }
    }
}

/// `POST /as4`: every check before anything is stored (parse, AS4 schema, UserMessage, the
/// WS-Security signature bound to the sender, the payload's profile and rules).
struct AS4InboundTarget: FuzzTarget {
    let name = "as4-inbound"
    let endpoint = AS4Endpoint(security: FuzzEnvironment.gateway(), store: FuzzEnvironment.store(), validator: FuzzEnvironment.validator())

    func generatedSeeds() -> [[UInt8]] {
        let asw = FuzzEnvironment.partner(.asw)
        let profiles = FuzzEnvironment.profiles
        return FuzzEnvironment.load("signed AS4 messages") {
            guard let profile = profiles.profile(named: DocumentProfile.formDType), let codes = profile.as4 else { return [] }
            // A Form D issued in Thailand for Viet Nam: what the ASW access point (TH) forwards.
            let document = Array(
                String(decoding: FuzzEnvironment.formD, as: UTF8.self)
                    .replacingOccurrences(of: "<IssuingCountry>VN</IssuingCountry>", with: "<IssuingCountry>XX</IssuingCountry>")
                    .replacingOccurrences(of: "<ImportingCountry>TH</ImportingCountry>", with: "<ImportingCountry>VN</ImportingCountry>")
                    .replacingOccurrences(of: "<IssuingCountry>XX</IssuingCountry>", with: "<IssuingCountry>TH</IssuingCountry>")
                    .replacingOccurrences(of: "<Country>VN</Country>", with: "<Country>XX</Country>")
                    .replacingOccurrences(of: "<Country>TH</Country>", with: "<Country>VN</Country>")
                    .replacingOccurrences(of: "<Country>XX</Country>", with: "<Country>TH</Country>").utf8)
            return [
                try asw.signForAS4(document, summary: FuzzEnvironment.summary(document, profile), codes: codes),
                try asw.signForAS4(FuzzEnvironment.formD, summary: FuzzEnvironment.summary(FuzzEnvironment.formD, profile), codes: codes),
            ]
        }
    }

    func run(_ input: [UInt8]) {
        let outcome = endpoint.check(input)
        verbose("\(outcome)")
        switch outcome {
        case .success(let inbound):
            if inbound.verification.messageId.isEmpty { finding("a verified AS4 message without a MessageId") }
        case .failure(let refusal):
            if !["EBMS:0004", "EBMS:0009", "EBMS:0101"].contains(refusal.code) || refusal.description.isEmpty {
                finding("refusal with code \(refusal.code) and description \"\(refusal.description)\"")
            }
        }
    }
}

/// The NSW's answer to a delivery: SOAP fault, or a signed ACK/REJECT envelope whose signatures,
/// sender and reference the channel checks before it calls the message delivered.
struct NSWAnswerTarget: FuzzTarget {
    let name = "nsw-answer"
    static let messageId = "fuzz-message"
    let channel = NSWDeliveryChannel(
        url: "http://127.0.0.1:9/nsw", security: FuzzEnvironment.gateway(), profiles: FuzzEnvironment.profiles)

    func generatedSeeds() -> [[UInt8]] {
        let nsw = FuzzEnvironment.partner(.nsw)
        return FuzzEnvironment.load("signed NSW answers") {
            let ack = NSWAcknowledgement(refMessageId: Self.messageId, reference: "VN-TH 26/03/000123")
            let reject = NSWAcknowledgement(
                function: "REJECT", refMessageId: Self.messageId, reference: "VN-TH 26/03/000123", status: "REJECTED", reason: "refused",
                errors: [.init(code: "E01", message: "HS code unknown", path: "/FormD/Item/HSCode")])
            return [
                FuzzEnvironment.soap11(try nsw.signNSWEnvelope(ack.envelope(from: .developmentNSW, to: .developmentMinistry))),
                FuzzEnvironment.soap11(try nsw.signNSWEnvelope(reject.envelope(from: .developmentNSW, to: .developmentMinistry))),
            ]
        }
    }

    func run(_ input: [UInt8]) {
        let result = channel.classify(HTTPAnswer(status: 200, contentType: ChannelContentType.soap11, body: Data(input)), messageId: Self.messageId)
        verbose("\(result)")
        check(result)
    }
}

/// The ASW's answer to a delivery: ebMS errors by severity, or a signed receipt whose signature,
/// reference and NonRepudiationInformation digests the channel checks.
struct AS4AnswerTarget: FuzzTarget {
    let name = "as4-answer"
    let channel: AS4DeliveryChannel
    let sent: SignedAS4Message
    let messageId: String
    let asw = FuzzEnvironment.partner(.asw)

    init() {
        let gateway = FuzzEnvironment.gateway()
        let profiles = FuzzEnvironment.profiles
        channel = AS4DeliveryChannel(
            url: "http://127.0.0.1:9/as4", security: gateway, profiles: profiles, partner: "TH")
        // The message "sent": its digests are what a receipt must echo.
        let asw = self.asw
        (sent, messageId) = FuzzEnvironment.load("a signed AS4 message") {
            guard let profile = profiles.profile(named: DocumentProfile.formDType), let codes = profile.as4 else {
                throw FuzzSetupError("no Form D profile")
            }
            let document = FuzzEnvironment.formD
            let message = AS4MessageBuilder().userMessage(
                document: document, summary: FuzzEnvironment.summary(document, profile), codes: codes,
                certificate: gateway.systemIdentity.certificate,
                messageId: "fuzz-message@swgate")
            let signed = try gateway.signedAS4Message(Array(message.utf8))
            return (signed, try asw.verifyAS4Message(signed.bytes).messageId)
        }
    }

    func generatedSeeds() -> [[UInt8]] {
        FuzzEnvironment.load("signed AS4 signals") {
            let verification = try asw.verifyAS4Message(sent.bytes)
            return [
                try asw.signedReceipt(for: verification),
                try asw.signedError(
                    code: "EBMS:0004", severity: "failure", shortDescription: "Other", description: "refused", refToMessageId: messageId),
            ]
        }
    }

    func run(_ input: [UInt8]) {
        let answer = HTTPAnswer(status: 200, contentType: ChannelContentType.soap12, body: Data(input))
        let result = channel.classify(answer, messageId: messageId, sentDigests: sent.referenceDigests)
        verbose("\(result)")
        check(result)
    }
}

/// A channel's verdict always names a reason when it is not a delivery.
func check(_ result: DeliveryResult) {
    if case .failed(let failure) = result, failure.message.isEmpty {
        finding("a delivery failure without a message (\(failure.reason))")
    }
}

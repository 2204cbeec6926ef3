public import Foundation
import SWGateChannels
import SWGateDelivery
public import SWGateDomain
public import SWGateSecurity
import SWGateStore
import SWGateXML

extension SecurityServices {
    /// Wraps business `document` (described by `summary` and its profile's AS4 `codes`) in an AS4
    /// user message and signs it.
    public func signForAS4(
        _ document: [UInt8], summary: DocumentSummary, codes: DocumentProfile.AS4Codes, at date: Date = Date()
    ) throws(SignatureError) -> [UInt8] {
        var builder = AS4MessageBuilder()
        builder.timestampLifetime = configuration.timestampLifetimeSeconds
        let message = builder.userMessageText(summary: summary, codes: codes, certificate: systemIdentity.certificate, at: date)
        return try signedAS4Message(message, document: document).bytes
    }

    /// Signs `message` carrying `document`: as text (``signedAS4MessageAsText(_:document:)``), or through
    /// the tree when the text path leaves it (the xmlsec engine, a document it does not take).
    package func signedAS4Message(_ message: AS4MessageText, document: [UInt8]) throws(SignatureError) -> SignedAS4Message {
        if let signed = try signedAS4MessageAsText(message, document: document) { return signed }
        return try signedAS4Message(Array(message.text(body: XMLText.embeddableBytes(document)).utf8))
    }

    /// Builds and signs the receipt for a verified user message.
    public func signedReceipt(for verification: AS4Verification, at date: Date = Date()) throws(SignatureError) -> [UInt8] {
        var builder = AS4MessageBuilder()
        builder.timestampLifetime = configuration.timestampLifetimeSeconds
        let receipt = builder.receiptText(for: verification, certificate: systemIdentity.certificate, at: date)
        if let signed = try signedAS4MessageAsText(receipt, document: nil) { return signed.bytes }
        return try signAS4Message(Array(receipt.text(body: []).utf8))
    }

    /// A signed ebMS error signal (every signal the gateway sends is signed; docs/as4-profile.md).
    public func signedError(
        code: String, severity: String, shortDescription: String, description: String, refToMessageId: String?, at date: Date = Date()
    ) throws(SignatureError) -> [UInt8] {
        var builder = AS4MessageBuilder()
        builder.timestampLifetime = configuration.timestampLifetimeSeconds
        let signal = builder.error(
            code: code, severity: severity, shortDescription: shortDescription, description: description, refToMessageId: refToMessageId,
            certificate: systemIdentity.certificate, at: date)
        return try signAS4Message(Array(signal.utf8))
    }

}

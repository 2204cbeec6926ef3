internal import CXMLSec
public import Foundation
import SWGateDomain
public import SWGateXML

/// The result of verifying an AS4 message: its WS-Security signature passed every check.
public struct AS4Verification: Sendable, Hashable {
    /// `MessageInfo/MessageId`.
    public let messageId: String
    /// `MessageInfo/RefToMessageId` (set on receipts).
    public let refToMessageId: String?
    /// `PartyInfo/From/PartyId` (user messages), the partner the signer is bound to.
    public let fromParty: String?
    /// `PartyInfo/To/PartyId` (user messages).
    public let toParty: String?
    /// `CollaborationInfo/ConversationId`: the C/O reference number.
    public let conversationId: String?
    /// Whether this is a signal (e.g. a receipt) rather than a user message.
    public let isSignal: Bool
    /// The verified signature; its references are the non-repudiation information for a receipt.
    public let signature: VerifiedSignature

    /// The verified reference digests (Body, eb:Messaging, Timestamp) for `eb:Receipt`.
    public var nonRepudiationInformation: [VerifiedReference] { signature.references }
}

/// A signed AS4 message and its signature's reference digests (`URI → DigestValue`).
public struct SignedAS4Message: Sendable {
    public let bytes: [UInt8]
    public let referenceDigests: [String: String]
}

extension SecurityServices {
    /// Adds the WS-Security signature over Body, eb:Messaging and Timestamp (by wsu:Id) with the
    /// gateway's key; the BinarySecurityToken must be the gateway's certificate.
    public func signAS4Message(_ bytes: [UInt8]) throws(SignatureError) -> [UInt8] {
        try signedAS4Message(bytes).bytes
    }

    /// ``signAS4Message(_:)``, also returning the signature's reference digests (what the
    /// receipt's NonRepudiationInformation must echo), so the sender need not parse it back.
    public func signedAS4Message(_ bytes: [UInt8]) throws(SignatureError) -> SignedAS4Message {
        let document = try Self.parse(bytes)
        let digests = try document.withRootNode { (root) throws(SignatureError) -> [String: String] in
            let message = try AS4MessageStructure(root)
            guard message.signature == nil else {
                throw SignatureError(.unexpectedSignature, "the message is already signed")
            }
            let token = message.token.textContent.removingWhitespace
            // The key whose certificate the message carries: the message may have been built just
            // before a rollover switched the key in force.
            guard let systemIdentity = systemKeys.identity(certificateBase64: token) else {
                throw SignatureError(.missingCertificate, "the BinarySecurityToken is not one of the gateway's certificates")
            }
            try DocumentIds.requireUnique(in: message.root)
            message.root.removeCommentsAndPIs()
            let ids = try [message.body, message.messaging, message.timestamp].map { (node) throws(SignatureError) in
                try DocumentIds.register(node, attribute: "Id", namespace: Namespace.wsu)
            }
            let tokenId = try DocumentIds.register(message.token, attribute: "Id", namespace: Namespace.wsu)
            let template = try SignatureTemplate.create(
                in: message.security, references: ids.map { ("#" + $0, false) }, identity: systemIdentity,
                keyInfo: .securityTokenReference(tokenId: tokenId))
            try sign(template, with: systemIdentity)
            var digests: [String: String] = [:]
            for reference in template.onlyChild("SignedInfo", Namespace.xmldsig)?.children("Reference", Namespace.xmldsig) ?? [] {
                let value = reference.onlyChild("DigestValue", Namespace.xmldsig)?.textContent ?? ""
                digests[reference.attribute("URI") ?? ""] = value.removingWhitespace
            }
            return digests
        }
        return SignedAS4Message(bytes: document.serialized(), referenceDigests: digests)
    }

    /// Verifies an AS4 message: structure, references to exactly Body, eb:Messaging and Timestamp,
    /// timestamp freshness (± ``SecurityConfiguration/clockSkewSeconds``), trust, and the signer
    /// bound to `PartyInfo/From/PartyId` (or to `partner` for signals, which name no party).
    public func verifyAS4Message(
        _ bytes: [UInt8], partner expectedPartner: String? = nil,
        at date: Date = Date()
    ) throws(SignatureError) -> AS4Verification {
        try verifyAS4Message(Self.parse(bytes), partner: expectedPartner, at: date)
    }

    /// ``verifyAS4Message(_:partner:at:)`` on a message already parsed with ``XMLDocument``'s
    /// defaults (whitespace kept), e.g. to read its ebMS signals first. Verification registers
    /// the signed elements' Ids in the document: verify a document once.
    public func verifyAS4Message(
        _ document: XMLDocument, partner expectedPartner: String? = nil,
        at date: Date = Date()
    ) throws(SignatureError) -> AS4Verification {
        try document.withRootNode { (root) throws(SignatureError) in
            let message = try AS4MessageStructure(root)
            guard let signature = message.signature else {
                throw SignatureError(.missingSignature, "wsse:Security holds no ds:Signature")
            }
            try DocumentIds.requireUnique(in: message.root)
            var expected: [SignatureVerification.Expected] = []
            for node in [message.body, message.messaging, message.timestamp] {
                let id = try DocumentIds.register(node, attribute: "Id", namespace: Namespace.wsu)
                expected.append(.init(uri: "#" + id, element: node, enveloped: false))
            }
            let tokenId = try DocumentIds.register(message.token, attribute: "Id", namespace: Namespace.wsu)
            try checkTimestamp(message.timestamp, at: date)
            guard let claimed = message.partyId("From") ?? expectedPartner else {
                throw SignatureError(.malformedMessage, "eb:PartyInfo/eb:From/eb:PartyId is missing")
            }
            if let expectedPartner, claimed != expectedPartner {
                throw SignatureError(.signerNotPartner, "the message claims sender \(claimed), expected \(expectedPartner)")
            }
            let reference = signature.onlyChild("KeyInfo", Namespace.xmldsig)?.onlyChild("SecurityTokenReference", Namespace.wsse)?
                .onlyChild("Reference", Namespace.wsse)
            guard reference?.attribute("URI") == "#" + tokenId else {
                throw SignatureError(.missingCertificate, "KeyInfo must reference the BinarySecurityToken #\(tokenId)")
            }
            guard message.token.attribute("ValueType") == WSSecurity.x509v3 else {
                throw SignatureError(.missingCertificate, "the BinarySecurityToken is not an X509v3 token")
            }
            let signer = try trustStore.certificate(base64: message.token.textContent)
            let verification = SignatureVerification(
                trustStore: trustStore, engine: engine, partner: try partner(claimed), date: date, tolerance: configuration.clockSkewSeconds)
            let verified = try verification.verify(signature, expected: expected, signer: signer, intermediates: [])
            return AS4Verification(
                messageId: message.messageInfo("MessageId") ?? "", refToMessageId: message.messageInfo("RefToMessageId"),
                fromParty: message.partyId("From"), toParty: message.partyId("To"),
                conversationId: message.userMessage?.onlyChild("CollaborationInfo", Namespace.ebms)?
                    .onlyChild("ConversationId", Namespace.ebms)?.textContent,
                isSignal: message.signalMessage != nil, signature: verified)
        }
    }

    private func checkTimestamp(_ timestamp: NodePointer, at date: Date) throws(SignatureError) {
        guard let createdText = timestamp.onlyChild("Created", Namespace.wsu)?.textContent,
            let expiresText = timestamp.onlyChild("Expires", Namespace.wsu)?.textContent,
            let created = XMLText.parseDateTime(createdText), let expires = XMLText.parseDateTime(expiresText)
        else {
            throw SignatureError(.timestampStale, "wsu:Timestamp needs parseable Created and Expires")
        }
        let skew = configuration.clockSkewSeconds
        let local = date.formatted(.iso8601)
        guard created <= date.addingTimeInterval(skew) else {
            let ahead = Int(created.timeIntervalSince(date).rounded())
            throw SignatureError(
                .timestampStale,
                "timestamp Created \(createdText) is \(ahead) s in the future; tolerance \(Int(skew)) s (local time \(local)): the sender's clock is ahead of the gateway's"
            )
        }
        guard expires > created else {
            throw SignatureError(.timestampStale, "timestamp Expires \(expiresText) is not after Created \(createdText)")
        }
        guard expires > date.addingTimeInterval(-skew) else {
            let behind = Int(date.timeIntervalSince(expires).rounded())
            throw SignatureError(
                .timestampStale,
                "timestamp Expires \(expiresText) is \(behind) s in the past; tolerance \(Int(skew)) s (local time \(local)): the message is stale or the sender's clock is behind the gateway's"
            )
        }
    }
}

public import Foundation
import SWGateDomain

/// An unsigned AS4 message as the gateway writes it (docs/as4-profile.md): a SOAP 1.2 envelope with
/// `eb:Messaging` and a `wsse:Security` header holding the timestamp and the signer's certificate
/// as a BinarySecurityToken, and the business document (or nothing) as the Body's content. The one
/// writer of that text, for messages signed through the tree (``SecurityServices/signAS4Message(_:)``)
/// and as text (``SecurityServices/signedAS4MessageAsText(_:document:)``).
package struct AS4MessageText: Sendable {
    /// The `wsu:Id`s of the Body, `eb:Messaging`, the Timestamp and the BinarySecurityToken.
    package struct Ids: Sendable {
        package var body: String
        package var messaging: String
        package var timestamp: String
        package var token: String

        /// The four Ids with a common suffix.
        package init(suffix: String) {
            body = "body-" + suffix
            messaging = "messaging-" + suffix
            timestamp = "ts-" + suffix
            token = "x509-" + suffix
        }

        /// The four Ids of the message sent for wire message id `wireMessageID`, the same at every
        /// signing: its letters, digits and hyphens kept, every other byte written as `_` and its
        /// two hex digits, so that two different ids give two different suffixes.
        package init(derivedFrom wireMessageID: String) {
            var suffix = ""
            for byte in wireMessageID.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                    UInt8(ascii: "-"):
                    suffix.unicodeScalars.append(Unicode.Scalar(byte))
                default:
                    suffix += "_" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
                }
            }
            self.init(suffix: suffix)
        }
    }

    package var ids: Ids
    /// The content of `eb:Messaging` (the `eb` prefix is declared on it), written as exclusive C14N
    /// renders it there when the message is signed as text: text escaped with
    /// ``XMLText/canonicalText(_:)``, attributes in C14N's order and escaping, no empty-element tags.
    package var messaging: String
    /// `wsu:Timestamp/wsu:Created` and `wsu:Expires`.
    package var created: String
    package var expires: String
    /// The signer's certificate (base64 DER), the BinarySecurityToken.
    package var certificate: String

    package init(ids: Ids, messaging: String, created: Date, lifetime: TimeInterval, certificate: String) {
        self.ids = ids
        self.messaging = messaging
        self.created = XMLText.dateTime(created)
        self.expires = XMLText.dateTime(created.addingTimeInterval(lifetime))
        self.certificate = certificate
    }

    /// The message with `body` as the Body's content and `signature` as the last child of
    /// `wsse:Security`, with an XML declaration; `serialized`: as ``XMLDocument/serialized()`` writes
    /// it (an empty Body as an empty-element tag, a line break after the envelope).
    package func write(body: ArraySlice<UInt8>, signature: [UInt8] = [], serialized: Bool, to out: inout [UInt8]) {
        out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<S12:Envelope xmlns:S12=\"\(Namespace.soap12)\" xmlns:wsu=\"\(Namespace.wsu)\">".utf8
        out += "<S12:Header><eb:Messaging xmlns:eb=\"\(Namespace.ebms)\" S12:mustUnderstand=\"true\" wsu:Id=\"\(ids.messaging)\">".utf8
        out += messaging.utf8
        out += "</eb:Messaging><wsse:Security xmlns:wsse=\"\(Namespace.wsse)\" S12:mustUnderstand=\"true\">".utf8
        writeTimestamp(to: &out, declaring: false)
        out +=
            "<wsse:BinarySecurityToken EncodingType=\"\(WSSecurity.base64Binary)\" ValueType=\"\(WSSecurity.x509v3)\" wsu:Id=\"\(ids.token)\">".utf8
        out += certificate.utf8
        out += "</wsse:BinarySecurityToken>".utf8
        out += signature
        if serialized && body.isEmpty {
            out += "</wsse:Security></S12:Header><S12:Body wsu:Id=\"\(ids.body)\"/></S12:Envelope>\n".utf8
            return
        }
        out += "</wsse:Security></S12:Header><S12:Body wsu:Id=\"\(ids.body)\">".utf8
        out += body
        out += "</S12:Body></S12:Envelope>".utf8
        if serialized { out.append(0x0A) }
    }

    /// The message as text, without a signature (for the tree signer).
    package func text(body: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + messaging.utf8.count + certificate.utf8.count + 1024)
        write(body: body, serialized: false, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `wsu:Timestamp`; with `declaring`, as exclusive C14N renders it as a reference on its own.
    func writeTimestamp(to out: inout [UInt8], declaring: Bool) {
        out += (declaring ? "<wsu:Timestamp xmlns:wsu=\"\(Namespace.wsu)\" wsu:Id=\"" : "<wsu:Timestamp wsu:Id=\"").utf8
        out += ids.timestamp.utf8
        out += "\"><wsu:Created>\(created)</wsu:Created><wsu:Expires>\(expires)</wsu:Expires></wsu:Timestamp>".utf8
    }

    /// `eb:Messaging` as exclusive C14N renders it as a reference on its own: the namespaces it uses
    /// declared on it in prefix order, `wsu:Id` before `S12:mustUnderstand` (ordered by namespace URI).
    func canonicalMessaging() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(messaging.utf8.count + 512)
        out += "<eb:Messaging xmlns:S12=\"\(Namespace.soap12)\" xmlns:eb=\"\(Namespace.ebms)\" xmlns:wsu=\"\(Namespace.wsu)\" ".utf8
        out += "wsu:Id=\"\(ids.messaging)\" S12:mustUnderstand=\"true\">".utf8
        out += messaging.utf8
        out += "</eb:Messaging>".utf8
        return out
    }

    /// The start tag of the Body as exclusive C14N renders it as a reference on its own.
    var canonicalBodyStart: String {
        "<S12:Body xmlns:S12=\"\(Namespace.soap12)\" xmlns:wsu=\"\(Namespace.wsu)\" wsu:Id=\"\(ids.body)\">"
    }

    /// Whether the Ids are plain enough to be written without escaping (letters, digits, `-`, `_`, `.`).
    var hasPlainIds: Bool {
        [ids.body, ids.messaging, ids.timestamp, ids.token].allSatisfy { id in
            !id.isEmpty
                && id.utf8.allSatisfy { byte in
                    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                        || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
                }
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

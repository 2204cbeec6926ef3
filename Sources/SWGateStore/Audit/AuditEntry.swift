public import Foundation
import Crypto

/// One entry of the append-only audit log. `previousHash` is the SHA-256 of the previous entry's
/// canonical form; `hash` is the SHA-256 of this entry's canonical form.
public struct AuditEntry: Sendable, Codable, Hashable {
    public var sequence: Int64
    public var at: Date
    public var event: AuditEvent
    public var messageID: String?
    public var destination: String?
    /// Who made the change: a gateway instance (its lease owner name) or an operator.
    public var actor: String
    public var detail: String
    public var previousHash: String
    public var hash: String

    /// The hash the first entry points back to.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The canonical form that is hashed: every field, length-prefixed, so that no two different
    /// entries share a form. Time is integer milliseconds since 1970.
    public static func canonicalForm(
        sequence: Int64, atMilliseconds: Int64, event: String, messageID: String?, destination: String?,
        actor: String, detail: String, previousHash: String
    ) -> Data {
        var out = "swgate-audit-v1"
        for field in [String(sequence), String(atMilliseconds), event, messageID ?? "-", destination ?? "-", actor, detail, previousHash] {
            out += "|\(field.utf8.count):\(field)"
        }
        return Data(out.utf8)
    }

    /// Lower-case hex SHA-256 of `data`.
    public static func sha256Hex(_ data: Data) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: data) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

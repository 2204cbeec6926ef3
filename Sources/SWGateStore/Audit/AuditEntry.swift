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

    package init(sequence: Int64, at: Date, event: AuditEvent, messageID: String?, destination: String?, actor: String, detail: String, previousHash: String, hash: String) {
        self.sequence = sequence
        self.at = at
        self.event = event
        self.messageID = messageID
        self.destination = destination
        self.actor = actor
        self.detail = detail
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The hash the first entry points back to.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The canonical form that is hashed: every field, length-prefixed, so that no two different
    /// entries share a form. Time is integer milliseconds since 1970.
    public static func canonicalForm(
        sequence: Int64, atMilliseconds: Int64, event: String, messageID: String?, destination: String?,
        actor: String, detail: String, previousHash: String
    ) -> Data {
        Data(
            canonicalBytes(
                sequence: sequence, atMilliseconds: atMilliseconds, event: event, messageID: messageID, destination: destination,
                actor: actor, detail: detail, previousHash: previousHash))
    }

    /// Lower-case hex SHA-256 of the canonical form: the entry's `hash`. Hashes the bytes where
    /// they were written (no `Data` copy): this runs on the writer thread for every state change.
    package static func canonicalHash(
        sequence: Int64, atMilliseconds: Int64, event: String, messageID: String?, destination: String?,
        actor: String, detail: String, previousHash: String
    ) -> String {
        let bytes = canonicalBytes(
            sequence: sequence, atMilliseconds: atMilliseconds, event: event, messageID: messageID, destination: destination,
            actor: actor, detail: detail, previousHash: previousHash)
        var hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return hex(hasher.finalize())
    }

    /// The canonical form's bytes, appended byte by byte into one buffer (string interpolation per
    /// field cost more than the SHA-256 of the result).
    private static func canonicalBytes(
        sequence: Int64, atMilliseconds: Int64, event: String, messageID: String?, destination: String?,
        actor: String, detail: String, previousHash: String
    ) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(128 + event.utf8.count + (messageID?.utf8.count ?? 1) + (destination?.utf8.count ?? 1) + actor.utf8.count + detail.utf8.count)
        out.append(contentsOf: "swgate-audit-v1".utf8)
        func field(_ value: some Collection<UInt8>) {
            out.append(UInt8(ascii: "|"))
            appendDecimal(Int64(value.count), to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: value)
        }
        func number(_ value: Int64) {
            // `|<character count>:<digits>`, as `field` writes the decimal text
            var count = value < 0 ? 2 : 1
            var rest = value.magnitude
            while rest >= 10 {
                rest /= 10
                count += 1
            }
            out.append(UInt8(ascii: "|"))
            appendDecimal(Int64(count), to: &out)
            out.append(UInt8(ascii: ":"))
            appendDecimal(value, to: &out)
        }
        number(sequence)
        number(atMilliseconds)
        field(event.utf8)
        field((messageID ?? "-").utf8)
        field((destination ?? "-").utf8)
        field(actor.utf8)
        field(detail.utf8)
        field(previousHash.utf8)
        return out
    }

    /// `String(value)`'s digits, without making a string.
    private static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var divisor: UInt64 = 1
        while divisor <= magnitude / 10 { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        }
    }

    /// Lower-case hex SHA-256 of `data`.
    public static func sha256Hex(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    /// Lower-case hex of a SHA-256 digest.
    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 64) { buffer in
            var index = 0
            for byte in digest {
                buffer[index] = digits[Int(byte >> 4)]
                buffer[index + 1] = digits[Int(byte & 0x0f)]
                index += 2
            }
            return index
        }
    }
}

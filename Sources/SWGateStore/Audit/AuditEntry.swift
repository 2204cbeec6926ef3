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
        // Appended byte by byte into one buffer: this runs on the writer thread for every state
        // change, and string interpolation per field cost more than the SHA-256 of the result.
        var out = [UInt8]()
        out.reserveCapacity(96 + event.utf8.count + (messageID?.utf8.count ?? 1) + (destination?.utf8.count ?? 1) + actor.utf8.count + detail.utf8.count)
        out.append(contentsOf: "swgate-audit-v1".utf8)
        func field(_ value: some Collection<UInt8>) {
            out.append(UInt8(ascii: "|"))
            appendDecimal(Int64(value.count), to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: value)
        }
        func number(_ value: Int64) {
            var digits = [UInt8]()
            appendDecimal(value, to: &digits)
            field(digits)
        }
        number(sequence)
        number(atMilliseconds)
        field(event.utf8)
        field((messageID ?? "-").utf8)
        field((destination ?? "-").utf8)
        field(actor.utf8)
        field(detail.utf8)
        field(previousHash.utf8)
        return Data(out)
    }

    /// `String(value)`'s digits, without making a string.
    private static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            out.append(contentsOf: buffer[(20 - count)...])
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

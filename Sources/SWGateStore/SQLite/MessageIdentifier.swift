import Foundation
import Synchronization

/// Gateway message ids: UUID version 7 (RFC 9562), a millisecond timestamp followed by random bits.
/// Ids made later sort later, so the unique index on `message.id` grows at its right edge instead of
/// touching a random page per insert (which would cost one whole page write per message at commit).
package enum MessageIdentifier {
    package static func next(milliseconds: Int64) -> String {
        let (high, low) = randomBits.withLock { $0.next() }
        var bytes: uuid_t = (
            0, 0, 0, 0, 0, 0, UInt8(truncatingIfNeeded: high >> 8), UInt8(truncatingIfNeeded: high),
            UInt8(truncatingIfNeeded: low >> 56), UInt8(truncatingIfNeeded: low >> 48), UInt8(truncatingIfNeeded: low >> 40),
            UInt8(truncatingIfNeeded: low >> 32), UInt8(truncatingIfNeeded: low >> 24), UInt8(truncatingIfNeeded: low >> 16),
            UInt8(truncatingIfNeeded: low >> 8), UInt8(truncatingIfNeeded: low)
        )
        let time = UInt64(max(0, milliseconds))
        bytes.0 = UInt8(truncatingIfNeeded: time >> 40)
        bytes.1 = UInt8(truncatingIfNeeded: time >> 32)
        bytes.2 = UInt8(truncatingIfNeeded: time >> 24)
        bytes.3 = UInt8(truncatingIfNeeded: time >> 16)
        bytes.4 = UInt8(truncatingIfNeeded: time >> 8)
        bytes.5 = UInt8(truncatingIfNeeded: time)
        bytes.6 = (bytes.6 & 0x0f) | 0x70
        bytes.8 = (bytes.8 & 0x3f) | 0x80
        return canonical(bytes)
    }

    /// A random (version 4) UUID in the canonical lower-case form, for the ids of messages sent on
    /// the wire (SOAP and ebMS message ids, callbacks). From the same buffered random bits as
    /// ``next(milliseconds:)``: Foundation's `UUID()` opens and reads `/dev/urandom` on every call,
    /// and `uuidString.lowercased()` makes two strings.
    package static func random() -> String {
        let (high, low) = randomBits.withLock { $0.next() }
        var bytes: uuid_t = (
            UInt8(truncatingIfNeeded: high >> 56), UInt8(truncatingIfNeeded: high >> 48), UInt8(truncatingIfNeeded: high >> 40),
            UInt8(truncatingIfNeeded: high >> 32), UInt8(truncatingIfNeeded: high >> 24), UInt8(truncatingIfNeeded: high >> 16),
            UInt8(truncatingIfNeeded: high >> 8), UInt8(truncatingIfNeeded: high),
            UInt8(truncatingIfNeeded: low >> 56), UInt8(truncatingIfNeeded: low >> 48), UInt8(truncatingIfNeeded: low >> 40),
            UInt8(truncatingIfNeeded: low >> 32), UInt8(truncatingIfNeeded: low >> 24), UInt8(truncatingIfNeeded: low >> 16),
            UInt8(truncatingIfNeeded: low >> 8), UInt8(truncatingIfNeeded: low)
        )
        bytes.6 = (bytes.6 & 0x0f) | 0x40
        bytes.8 = (bytes.8 & 0x3f) | 0x80
        return canonical(bytes)
    }

    /// `bytes` as the canonical lower-case 8-4-4-4-12 form, written directly.
    /// (`UUID.uuidString` plus `lowercased()` made two strings per id.)
    private static func canonical(_ bytes: uuid_t) -> String {
        withUnsafeBytes(of: bytes) { raw in
            String(unsafeUninitializedCapacity: 36) { buffer in
                var index = 0
                for (offset, byte) in raw.enumerated() {
                    if offset == 4 || offset == 6 || offset == 8 || offset == 10 {
                        buffer[index] = UInt8(ascii: "-")
                        index += 1
                    }
                    buffer[index] = digits[Int(byte >> 4)]
                    buffer[index + 1] = digits[Int(byte & 0x0f)]
                    index += 2
                }
                return index
            }
        }
    }

    private static let digits = Array("0123456789abcdef".utf8)
    private static let randomBits = Mutex(RandomBits())

    /// Random bits for ids, fetched from the kernel 4 KiB at a time: one `getrandom(2)` (through
    /// glibc's `arc4random_buf`) per 256 ids instead of two per id. (Foundation's `UUID()` opens
    /// `/dev/urandom` per call.) The bits only make ids made in the same millisecond distinct and
    /// unguessable; each is handed out once.
    private struct RandomBits {
        private var words = [UInt64](repeating: 0, count: 512)
        private var used = 512

        mutating func next() -> (UInt64, UInt64) {
            if used == words.count {
                words.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }
                used = 0
            }
            defer { used += 2 }
            return (words[used], words[used + 1])
        }
    }
}

import Foundation

/// Base64 (RFC 4648 alphabet, `=` padding, no line breaks: what `Data.base64EncodedString()`
/// writes) appended straight to a byte buffer, such as the JSON of a callback. Three input bytes
/// become two table lookups of twelve bits each, each giving two output characters; the output
/// needs no JSON escaping, so it is not scanned again.
enum Base64Text {
    /// The two characters of every twelve-bit value, first character in the low byte.
    private static let pairs: [UInt16] = {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        return (0..<4096).map { UInt16(alphabet[$0 >> 6]) | UInt16(alphabet[$0 & 63]) << 8 }
    }()

    /// The length of the base64 text of `count` bytes.
    static func encodedCount(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    static func append(_ data: Data, to out: inout [UInt8]) {
        let start = out.count
        let length = encodedCount(data.count)
        guard length > 0 else { return }
        out.append(contentsOf: repeatElement(0, count: length))
        data.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { output in
                pairs.withUnsafeBufferPointer { pairs in
                    let target = output.baseAddress! + start
                    let count = input.count
                    var from = 0
                    var to = 0
                    while from + 3 <= count {
                        let value = UInt32(input[from]) << 16 | UInt32(input[from + 1]) << 8 | UInt32(input[from + 2])
                        target.storeBytes(of: pairs[Int(value >> 12)].littleEndian, toByteOffset: to, as: UInt16.self)
                        target.storeBytes(of: pairs[Int(value & 0xFFF)].littleEndian, toByteOffset: to + 2, as: UInt16.self)
                        from += 3
                        to += 4
                    }
                    guard from < count else { return }
                    // One or two bytes left: their characters, then `=` for each missing byte.
                    let second = from + 1 < count ? UInt32(input[from + 1]) : 0
                    let value = UInt32(input[from]) << 16 | second << 8
                    target.storeBytes(of: pairs[Int(value >> 12)].littleEndian, toByteOffset: to, as: UInt16.self)
                    target.storeBytes(of: pairs[Int(value & 0xFFF)].littleEndian, toByteOffset: to + 2, as: UInt16.self)
                    target.storeBytes(of: UInt8(ascii: "="), toByteOffset: to + 3, as: UInt8.self)
                    if from + 1 == count { target.storeBytes(of: UInt8(ascii: "="), toByteOffset: to + 2, as: UInt8.self) }
                }
            }
        }
    }
}

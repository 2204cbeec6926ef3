import SWGateXML
internal import CXMLSec

/// Base64 for DigestValue, SignatureValue and X509Certificate content (one line, as xmlsec1 and
/// signxml both accept).
enum Base64 {
    /// `bytes` in base64 without line breaks.
    static func encode(_ bytes: [UInt8]) -> String {
        guard !bytes.isEmpty else { return "" }
        let capacity = 4 * ((bytes.count + 2) / 3) + 1
        return String(unsafeUninitializedCapacity: capacity) { output in
            Int(EVP_EncodeBlock(output.baseAddress, bytes, Int32(bytes.count)))
        }
    }

    /// The bytes of `text` (whitespace ignored); `nil` when it is not base64: a character outside
    /// the alphabet, padding other than one or two `=` ending the text, or a length (without
    /// whitespace) that is not a multiple of four.
    static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8(decode(utf8:))
    }

    static func decode(utf8 text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        Self.values.withUnsafeBufferPointer { values in decode(utf8: text, values: values) }
    }

    private static func decode(utf8 text: UnsafeBufferPointer<UInt8>, values: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.count / 4 * 3)
        var group: UInt32 = 0
        var length = 0  // characters of the current group, padding included
        var padding = 0
        for byte in text {
            switch byte {
            case 0x20, 0x0A, 0x0D, 0x09:
                continue
            case UInt8(ascii: "="):
                guard length >= 2 else { return nil }
                padding += 1
            default:
                let value = values[Int(byte)]
                guard padding == 0, value != 0xFF else { return nil }
                group = group << 6 | UInt32(value)
            }
            length += 1
            guard length == 4 else { continue }
            switch padding {
            case 0:
                output.append(UInt8(truncatingIfNeeded: group >> 16))
                output.append(UInt8(truncatingIfNeeded: group >> 8))
                output.append(UInt8(truncatingIfNeeded: group))
            case 1:
                output.append(UInt8(truncatingIfNeeded: group >> 10))
                output.append(UInt8(truncatingIfNeeded: group >> 2))
            default:
                output.append(UInt8(truncatingIfNeeded: group >> 4))
            }
            group = 0
            length = 0
            if padding > 0 { padding = 3 }  // nothing but whitespace may follow the padded group
        }
        return length == 0 ? output : nil
    }

    /// Each byte's value in the base64 alphabet; 0xFF outside it.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        return table
    }()
}

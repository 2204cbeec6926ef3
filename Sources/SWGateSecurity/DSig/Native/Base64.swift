internal import CXMLSec
import Foundation

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

    /// The bytes of `text` (whitespace ignored); `nil` when it is not base64.
    static func decode(_ text: String) -> [UInt8]? {
        let compact = text.utf8.filter { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        return Data(base64Encoded: Data(compact)).map { [UInt8]($0) }
    }
}

public import Foundation

extension DocumentSummary {
    /// Reads the summary stored with a message at intake — a flat JSON object whose values are
    /// strings (absent optionals left out or `null`) — without `JSONDecoder`, which was ≈ 1 % of
    /// the gateway's CPU per Form D delivered (it runs once per delivery). Nil for anything else:
    /// other shapes, unknown escapes, `\u` escapes or repeated keys; the caller then decodes with
    /// `JSONDecoder` as before. Keys it does not know are skipped, as the decoder skips them.
    public init?(storedJSON data: Data) {
        guard let fields = data.withUnsafeBytes({ FlatJSONObject.strings(in: $0) }),
            let documentType = fields["documentType"] ?? nil, let reference = fields["reference"] ?? nil,
            let function = fields["function"] ?? nil, let issueDate = fields["issueDate"] ?? nil,
            let issuingCountry = fields["issuingCountry"] ?? nil
        else { return nil }
        self.init(
            documentType: documentType, reference: reference, function: function, replaces: fields["replaces"] ?? nil,
            issueDate: issueDate, issuingCountry: issuingCountry, importingCountry: fields["importingCountry"] ?? nil)
    }
}

/// A JSON object whose values are all strings or `null`, read byte by byte.
enum FlatJSONObject {
    /// The object's fields (`nil` value: `null`); nil when `bytes` is not such an object.
    static func strings(in bytes: UnsafeRawBufferPointer) -> [String: String?]? {
        var index = 0
        func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
                index += 1
            }
        }
        func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            var out: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(validating: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { return nil }
                    let escaped = bytes[index]
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    default: return nil  // \u and anything else: left to JSONDecoder
                    }
                case 0..<0x20:
                    return nil  // unescaped control character: not JSON
                default:
                    out.append(byte)
                }
            }
            return nil
        }
        guard take(UInt8(ascii: "{")) else { return nil }
        var fields: [String: String?] = [:]
        if !take(UInt8(ascii: "}")) {
            repeat {
                guard let key = string(), fields[key] == nil, take(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                if bytes[index...].starts(with: "null".utf8) {
                    index += 4
                    fields[key] = .some(nil)
                } else {
                    guard let value = string() else { return nil }
                    fields[key] = value
                }
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")) else { return nil }
        }
        skipSpace()
        return index == bytes.count ? fields : nil
    }
}

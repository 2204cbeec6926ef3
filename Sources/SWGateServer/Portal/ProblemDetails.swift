import Foundation
import SWGateDomain
public import SWGateHTTP

/// The RFC 9457 body of every portal API error.
struct ProblemDetails: Encodable {
    struct Issue: Encodable {
        var rule: String
        var message: String
        var path: String
        var line: Int
        var column: Int
    }

    var type: String
    var title: String
    var status: Int
    var detail: String
    var errors: [Issue]?
}

extension PortalError {
    /// The `application/problem+json` answer for this error.
    public var response: EndpointResponse {
        let problem = ProblemDetails(
            type: "urn:swgate:problem:\(code.rawValue)", title: code.title, status: code.status, detail: detail,
            errors: issues.isEmpty
                ? nil : issues.map { .init(rule: $0.rule.rawValue, message: $0.message, path: $0.path, line: $0.line, column: $0.column) })
        var headers = ["content-type": "application/problem+json"]
        if code == .unauthenticated { headers["www-authenticate"] = "Bearer realm=\"swgate\"" }
        return EndpointResponse(status: code.status, headers: headers, body: JSON.encode(problem))
    }
}

/// JSON encoding shared by the portal and operations endpoints: ISO 8601 dates, sorted keys.
enum JSON {
    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }
}

/// A JSON string literal written as `JSONEncoder` writes it with `.withoutEscapingSlashes`, or,
/// with `escapingSlashes`, as it writes it by default (`/` as `\/`).
enum JSONString {
    static func append(_ value: String, to out: inout [UInt8], escapingSlashes: Bool = false) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "/") where escapingSlashes: out += [UInt8(ascii: "\\"), UInt8(ascii: "/")]
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

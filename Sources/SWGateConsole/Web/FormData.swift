/// Fields of an `application/x-www-form-urlencoded` body or query, keeping repeated names
/// (the checkboxes of a selection) in order.
public struct FormData: Sendable {
    public private(set) var fields: [(name: String, value: String)] = []

    public init(_ encoded: String) {
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            fields.append((name, value))
        }
    }

    public init(bytes: [UInt8]) { self.init(String(decoding: bytes, as: UTF8.self)) }

    /// Adds a field (already decoded).
    public mutating func append(_ name: String, _ value: String) { fields.append((name, value)) }

    /// The first value of `name`, nil when absent; an empty value counts as absent.
    public subscript(_ name: String) -> String? {
        fields.first { $0.name == name }.map(\.value).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Every value of `name`, in order.
    public func all(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value).filter { !$0.isEmpty } }

    /// Percent-decoding; `+` is a space.
    public static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next(), let low = iterator.next(),
                    let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else { continue }
                bytes.append(value)
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

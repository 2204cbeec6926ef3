import Crypto
import Foundation
import SWGateHTTP

/// Bearer-token authentication of portal clients. Configuration holds only SHA-256 hashes of the
/// tokens; a presented token is hashed and compared with every configured hash in constant time,
/// so neither the comparison nor the number of clients checked leaks where a guess went wrong.
public struct PortalAuthenticator: Sendable {
    struct Entry: Sendable {
        var name: String
        var hash: [UInt8]
        var permissions: Set<PortalPermission>
    }

    let entries: [Entry]

    public init(clients: [GatewayConfiguration.Client]) {
        entries = clients.map { Entry(name: $0.name, hash: Self.bytes(hex: $0.tokenSHA256), permissions: $0.permissions) }
    }

    /// The client name when the `Authorization` header carries a known token allowed `permission`;
    /// else 401 (no or unknown token) or 403 (known client, not allowed).
    public func authorize(authorization: String?, for permission: PortalPermission) throws(PortalError) -> String {
        guard let authorization, authorization.count > 7, Self.hasBearerScheme(authorization) else {
            throw PortalError(.unauthenticated, "send Authorization: Bearer <token>")
        }
        let token = authorization.dropFirst(7).trimmingWhitespace()
        let presented = Array(SHA256.hash(data: Array(token.utf8)))
        var match: Entry?
        for entry in entries where Self.constantTimeEqual(entry.hash, presented) {
            match = entry
        }
        guard let match else { throw PortalError(.unauthenticated, "the bearer token is not known") }
        guard match.permissions.contains(permission) else {
            throw PortalError(.forbidden, "client \(match.name) may not \(permission.rawValue)")
        }
        return match.name
    }

    /// Whether the header starts with `Bearer ` in any letter case. Only ASCII letters lower-case
    /// to those of "bearer", so comparing the first seven bytes is what comparing the first seven
    /// characters lower-cased was, without creating strings.
    static func hasBearerScheme(_ authorization: String) -> Bool {
        let scheme = Array("bearer ".utf8)
        var bytes = authorization.utf8.makeIterator()
        for expected in scheme {
            guard let byte = bytes.next() else { return false }
            let lowered = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            guard lowered == expected else { return false }
        }
        return true
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    static func bytes(hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var iterator = hex.lowercased().makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let h = high.hexDigitValue, let l = low.hexDigitValue else { return [] }
            result.append(UInt8(h << 4 | l))
        }
        return result
    }
}

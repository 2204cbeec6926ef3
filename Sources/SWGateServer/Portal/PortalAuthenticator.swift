import Crypto
import Foundation
public import SWGateHTTP

/// Authentication of portal clients, by bearer token or by TLS client certificate (docs/api.md).
///
/// Configuration holds only SHA-256 hashes of the tokens; a presented token is hashed and compared
/// with every configured hash in constant time, so neither the comparison nor the number of clients
/// checked leaks where a guess went wrong. A request without an `Authorization` header is the
/// client whose configured certificate fingerprint is that of the connection's client certificate
/// (verified by the TLS handshake against the listener's client CA).
public struct PortalAuthenticator: Sendable {
    struct Entry: Sendable {
        var name: String
        var hash: [UInt8]?
        var certificate: [UInt8]?
        var permissions: Set<PortalPermission>
    }

    let entries: [Entry]

    public init(clients: [GatewayConfiguration.Client]) {
        entries = clients.map {
            Entry(name: $0.name, hash: $0.tokenSHA256.map(Self.bytes(hex:)), certificate: $0.certificateSHA256.map(Self.bytes(hex:)),
                  permissions: $0.permissions)
        }
    }

    /// The client name for `request`: by its bearer token when it sends `Authorization`, else by its
    /// TLS client certificate; 401 when neither identifies a client, 403 when the client lacks `permission`.
    public func authorize(_ request: EndpointRequest, for permission: PortalPermission) throws(PortalError) -> String {
        if request.headers["authorization"] == nil, let der = request.clientCertificateDER {
            guard let match = entry(matching: Array(SHA256.hash(data: der)), by: \.certificate) else {
                throw PortalError(.unauthenticated, "the client certificate is not configured for any portal client; send Authorization: Bearer <token>")
            }
            return try Self.permitted(match, permission)
        }
        return try authorize(authorization: request.headers["authorization"], for: permission)
    }

    /// The client name when the `Authorization` header carries a known token allowed `permission`;
    /// else 401 (no or unknown token) or 403 (known client, not allowed).
    public func authorize(authorization: String?, for permission: PortalPermission) throws(PortalError) -> String {
        guard let authorization, authorization.utf8.count > 7, Self.hasBearerScheme(authorization) else {
            throw PortalError(.unauthenticated, "send Authorization: Bearer <token>")
        }
        let token = authorization.dropFirst(7).trimmingWhitespace()
        guard let match = entry(matching: Array(SHA256.hash(data: Array(token.utf8))), by: \.hash) else {
            throw PortalError(.unauthenticated, "the bearer token is not known")
        }
        return try Self.permitted(match, permission)
    }

    /// The client whose `credential` hash equals `presented`, every configured hash compared in
    /// constant time (no early exit).
    private func entry(matching presented: [UInt8], by credential: KeyPath<Entry, [UInt8]?>) -> Entry? {
        var match: Entry?
        for entry in entries where entry[keyPath: credential].map({ Self.constantTimeEqual($0, presented) }) ?? false {
            match = entry
        }
        return match
    }

    private static func permitted(_ entry: Entry, _ permission: PortalPermission) throws(PortalError) -> String {
        guard entry.permissions.contains(permission) else {
            throw PortalError(.forbidden, "client \(entry.name) may not \(permission.rawValue)")
        }
        return entry.name
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

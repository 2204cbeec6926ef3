import Foundation

/// Unguessable tokens: session ids and CSRF tokens.
enum RandomToken {
    static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// 32 random bytes as lower-case hex.
    static func make() -> String {
        bytes(32).map { String(format: "%02x", $0) }.joined()
    }
}

import Crypto
import Foundation
import _CryptoExtras

/// A password stored as PBKDF2-HMAC-SHA256: `pbkdf2-sha256$<iterations>$<salt, base64>$<key, base64>`.
///
/// The form is self-describing so that the iteration count can be raised later without breaking
/// accounts configured earlier. `swgate console hash-password` produces it; the configuration
/// holds only this text, never a password.
public struct PasswordHash: Sendable, Hashable, CustomStringConvertible {
    /// Iterations for new hashes: OWASP's 2023 figure for PBKDF2-HMAC-SHA256 is 600,000.
    public static let defaultIterations = 600_000
    /// Below this a configured hash is refused as too fast to resist guessing (tests use their own).
    public static let minimumIterations = 100_000

    public let iterations: Int
    public let salt: [UInt8]
    public let key: [UInt8]

    /// Parses the stored form; nil when it is not one.
    public init?(_ text: String) {
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let iterations = Int(parts[1]), iterations > 0,
            let salt = Data(base64Encoded: String(parts[2])), let key = Data(base64Encoded: String(parts[3])), salt.count >= 8, key.count >= 16
        else { return nil }
        self.iterations = iterations
        self.salt = Array(salt)
        self.key = Array(key)
    }

    /// A new hash of `password` with a fresh random salt.
    public static func make(password: String, iterations: Int = defaultIterations) -> PasswordHash {
        let salt = RandomToken.bytes(16)
        let key = derive(password, salt: salt, iterations: iterations)
        return PasswordHash(iterations: iterations, salt: salt, key: key)
    }

    private init(iterations: Int, salt: [UInt8], key: [UInt8]) {
        self.iterations = iterations
        self.salt = salt
        self.key = key
    }

    /// Whether `password` is the one hashed, compared in constant time.
    public func verify(_ password: String) -> Bool {
        ConstantTime.equal(Self.derive(password, salt: salt, iterations: iterations, length: key.count), key)
    }

    /// The stored form.
    public var description: String {
        "pbkdf2-sha256$\(iterations)$\(Data(salt).base64EncodedString())$\(Data(key).base64EncodedString())"
    }

    static func derive(_ password: String, salt: [UInt8], iterations: Int, length: Int = 32) -> [UInt8] {
        // `unsafeUncheckedRounds` so that tests may use small counts; the configuration checks refuse
        // stored hashes below `minimumIterations`.
        let key = try? KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: length, unsafeUncheckedRounds: iterations)
        return key.map { $0.withUnsafeBytes { Array($0) } } ?? []
    }
}

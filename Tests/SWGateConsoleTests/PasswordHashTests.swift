import Foundation
import SWGateConsole
import Testing

@Suite("Console: password hashes")
struct PasswordHashTests {
    @Test("A hash verifies its password and no other, and round-trips through its stored form")
    func verify() throws {
        let hash = PasswordHash.make(password: "correct horse battery", iterations: 1_000)
        #expect(hash.verify("correct horse battery"))
        #expect(!hash.verify("correct horse batterY"))
        #expect(!hash.verify(""))
        let stored = hash.description
        #expect(stored.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(!stored.contains("correct"))
        let parsed = try #require(PasswordHash(stored))
        #expect(parsed == hash)
        #expect(parsed.verify("correct horse battery"))
    }

    @Test("Two hashes of one password differ (random salt)")
    func salted() {
        #expect(PasswordHash.make(password: "same password!", iterations: 1_000) != PasswordHash.make(password: "same password!", iterations: 1_000))
    }

    @Test(
        "Malformed stored forms are refused",
        arguments: [
            "", "plain-password", "pbkdf2-sha256$x$AAAA$AAAA", "sha1$1000$c2FsdHNhbHQ=$a2V5a2V5a2V5a2V5a2V5a2V5", "pbkdf2-sha256$1000$!!$AAAA",
        ])
    func malformed(text: String) {
        #expect(PasswordHash(text) == nil)
    }

    @Test("The default cost is at least OWASP's figure for PBKDF2-HMAC-SHA256")
    func cost() {
        #expect(PasswordHash.defaultIterations >= 600_000)
        #expect(PasswordHash.minimumIterations >= 100_000)
    }
}

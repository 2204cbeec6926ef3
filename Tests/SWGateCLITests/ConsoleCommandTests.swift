import Foundation
import SWGateConsole
import SWGateTesting
import Testing

/// `swgate console hash-password`: the password from standard input, the hash on standard output.
@Suite struct ConsoleCommandTests {
    @Test("hash-password prints a PBKDF2 hash that verifies the password read from standard input")
    func hashPassword() async throws {
        let password = "a long operator password"
        let result = try await CommandRunner.run(
            CommandRunner.swgatePath, ["console", "hash-password", "--iterations", "100000"], standardInput: Array((password + "\n").utf8),
            timeout: 60)
        #expect(result.status == 0, "\(result.standardError)")
        let line = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.hasPrefix("pbkdf2-sha256$100000$"))
        #expect(!line.contains(password))
        let hash = try #require(PasswordHash(line))
        #expect(hash.verify(password))
        #expect(!hash.verify(password + "x"))
    }

    @Test("A short password, no password and too few iterations are usage errors (exit 2)")
    func refusals() async throws {
        let short = try await CommandRunner.run(
            CommandRunner.swgatePath, ["console", "hash-password"], standardInput: Array("short\n".utf8), timeout: 60)
        #expect(short.status == 2 && short.standardError.contains("at least 12"))
        let none = try await CommandRunner.run(CommandRunner.swgatePath, ["console", "hash-password"], standardInput: [], timeout: 60)
        #expect(none.status == 2)
        let weak = try await CommandRunner.run(
            CommandRunner.swgatePath, ["console", "hash-password", "--iterations", "10"], standardInput: Array("a long operator password\n".utf8),
            timeout: 60)
        #expect(weak.status == 2 && weak.standardError.contains("--iterations"))
    }
}

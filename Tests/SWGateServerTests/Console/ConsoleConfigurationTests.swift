import Foundation
import SWGateConsole
import SWGateServer
import SWGateTesting
import Testing

@Suite("Configuration: the console section")
struct ConsoleConfigurationTests {
    func load(_ yaml: String) throws -> GatewayConfiguration {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("swgate.yaml", Array(yaml.utf8))
        return try ConfigurationLoader(environment: [:]).load(file: path)
    }

    func error(_ yaml: String) -> ConfigurationError? {
        do {
            _ = try load(yaml)
            return nil
        } catch let error as ConfigurationError {
            return error
        } catch {
            return nil
        }
    }

    static let hash = PasswordHash.make(password: "a long enough password", iterations: PasswordHash.minimumIterations).description

    @Test("The embedded defaults serve no console: no operator, no default password")
    func defaults() throws {
        let c = try ConfigurationLoader(environment: [:]).load(file: nil)
        #expect(c.console.operators.isEmpty)
        #expect(!c.console.isServed)
    }

    @Test("Operators, roles, zones and session settings are read")
    func read() throws {
        let c = try load(
            """
            console:
              operators:
                - {name: lan.nguyen, password_hash: "\(Self.hash)", role: operator, time_zone: Asia/Ho_Chi_Minh}
                - {name: duty, password_hash: "\(Self.hash)", language: vi}
              session_idle: 10m
              session_lifetime: 2h
              sign_in_failures: 3
              sign_in_window: 5m
              secure_cookies: always
            """)
        #expect(c.console.isServed)
        #expect(c.console.operators.map(\.name) == ["lan.nguyen", "duty"])
        #expect(c.console.operators.map(\.role) == [.operator, .viewer])
        #expect(c.console.operators[0].timeZone == "Asia/Ho_Chi_Minh")
        #expect(c.console.operators.map(\.language) == [.english, .vietnamese])
        #expect(c.console.sessionIdle == .seconds(600) && c.console.sessionLifetime == .seconds(7200))
        #expect(c.console.signInFailures == 3 && c.console.signInWindow == .seconds(300))
        #expect(c.console.secureCookies == .always)
    }

    @Test("A password instead of a hash, a weak hash, an unknown role or zone, a repeated name are refused with their key")
    func refused() throws {
        let weak = PasswordHash.make(password: "whatever password", iterations: 1_000).description
        let cases: [(String, String)] = [
            (#"- {name: a, password_hash: "hunter2hunter2"}"#, "never a password"),
            (#"- {name: a, password_hash: "\#(weak)"}"#, "at least 100000"),
            (#"- {name: a, password_hash: "\#(Self.hash)", role: admin}"#, "viewer or operator"),
            (#"- {name: a, password_hash: "\#(Self.hash)", time_zone: Mars/Olympus}"#, "unknown time zone"),
            (#"- {name: "a b", password_hash: "\#(Self.hash)"}"#, "letters, digits"),
            (#"- {name: a}"#, "needs a password_hash"),
            (#"- {name: a, password_hash: "\#(Self.hash)", language: fr}"#, "en or vi"),
        ]
        for (item, message) in cases {
            let problem = try #require(error("console:\n  operators:\n    \(item)\n"), "\(item)")
            #expect(problem.message.contains(message), "\(item): \(problem)")
            #expect(problem.keyPath.hasPrefix("console.operators"), "\(problem.keyPath)")
        }
        let twice = try #require(
            error("console:\n  operators:\n    - {name: a, password_hash: \"\(Self.hash)\"}\n    - {name: a, password_hash: \"\(Self.hash)\"}\n"))
        #expect(twice.message.contains("listed twice"))
    }
}

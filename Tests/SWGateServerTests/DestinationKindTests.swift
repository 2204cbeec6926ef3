import Foundation
import SWGateServer
import SWGateTesting
import Testing

@Suite("Destinations by configured kind")
struct DestinationKindTests {
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

    @Test("The embedded destinations have kinds; a second AS4 partner and a second callback are plain configuration")
    func kinds() throws {
        let defaults = try ConfigurationLoader(environment: [:]).load(file: nil)
        #expect(defaults.destinationKinds == ["nsw": .nsw, "asw": .as4, "portal": .http])
        let c = try load(
            """
            destinations:
              asw-my:
                kind: as4
                url: http://127.0.0.1:9202/as4
                partner: TH
              audit-callback:
                kind: http
                url: http://127.0.0.1:9203/hook
            answers_to: audit-callback
            """)
        #expect(c.destinationKinds["asw-my"] == .as4)
        #expect(c.destinationKinds["audit-callback"] == .http)
        #expect(c.answersDestination == "audit-callback")
    }

    @Test("A new destination without a kind, an unknown kind, or a partner protocol without a partner is refused with its key path")
    func refusals() {
        let missing = error("destinations:\n  extra:\n    url: http://127.0.0.1:1/x\n")
        #expect(missing?.keyPath == "destinations.extra" && missing?.message.contains("kind") == true, "\(String(describing: missing))")
        let unknown = error("destinations:\n  extra:\n    kind: ftp\n    url: http://127.0.0.1:1/x\n")
        #expect(unknown?.keyPath == "destinations.extra.kind", "\(String(describing: unknown))")
        let partnerless = error("destinations:\n  extra:\n    kind: as4\n    url: http://127.0.0.1:1/x\n")
        #expect(partnerless?.keyPath == "destinations.extra.partner", "\(String(describing: partnerless))")
        let answers = error("answers_to: nowhere\n")
        #expect(answers?.keyPath == "answers_to")
    }
}

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

    @Test("A rule that inbound messages can reach may name http destinations only: a partner's message is never relayed raw to a partner")
    func inboundRoutesReachHTTPOnly() throws {
        let toPartner = error("routes:\n  - {source: portal, destinations: [nsw, asw]}\n  - {source: nsw, destinations: [portal, asw]}\n")
        #expect(toPartner?.keyPath == "routes[1].destinations", "\(String(describing: toPartner))")
        #expect(toPartner?.message.contains("\"asw\" is a destination of kind as4") == true, "\(String(describing: toPartner))")
        #expect(toPartner?.message.contains("messages from nsw") == true)
        // A rule without a source matches inbound messages too.
        let anySource = error("routes:\n  - {document_type: ATIGA-FORM-D, destinations: [nsw]}\n")
        #expect(anySource?.keyPath == "routes[0].destinations", "\(String(describing: anySource))")
        #expect(anySource?.message.contains("kind nsw") == true, "\(String(describing: anySource))")
        let fromASW = error("routes:\n  - {source: asw, function: ISSUE, destinations: [portal]}\n  - {source: asw, destinations: [nsw]}\n")
        #expect(
            fromASW?.keyPath == "routes[1].destinations" && fromASW?.message.contains("messages from asw") == true, "\(String(describing: fromASW))")
        // Accepted: inbound rules to http destinations (a second callback included); a rule no inbound
        // message can reach (after rules that take every message of both partners, or with an importing
        // country, which inbound messages are not routed by) may name partners.
        let accepted = try load(
            """
            destinations:
              archive:
                kind: http
                url: http://127.0.0.1:9204/archive
            routes:
              - {source: portal, document_type: ATIGA-FORM-D, destinations: [nsw, asw]}
              - {importing_country: MY, destinations: [asw]}
              - {source: nsw, function: STATUS, destinations: [archive, portal]}
              - {source: nsw, destinations: [portal]}
              - {source: asw, destinations: [archive]}
              - {destinations: [nsw]}
            """)
        #expect(accepted.routes.count == 6)
    }
}

import NIOHTTP1
import SWGateStore
import AsyncHTTPClient
import Foundation
import SWGateServer
import SWGateTesting
import Testing

@testable import SWGateChannels
@testable import SWGateNSW
@testable import SWGateAS4

/// A Form D of a chain of replacements: `reference`, replacing `predecessor` when given.
func chainLink(_ reference: String, function: String, replaces predecessor: String?) throws -> [UInt8] {
    guard let predecessor else { return try FormDSamples.withReference(reference) }
    let fixture = function == "CANCEL" ? "valid/formd-cancellation.xml" : "valid/formd-amendment.xml"
    let own = function == "CANCEL" ? "VN-TH 26/03/000123-C1" : "VN-TH 26/03/000123-A1"
    var text = try Fixtures.text(fixture)
    text = text.replacingOccurrences(of: "<ReferenceNumber>\(own)</ReferenceNumber>", with: "<ReferenceNumber>\(reference)</ReferenceNumber>")
    text = text.replacingOccurrences(
        of: "<ReferenceNumber>VN-TH 26/03/000123</ReferenceNumber>", with: "<ReferenceNumber>\(predecessor)</ReferenceNumber>")
    return Array(text.utf8)
}

@Suite("Conversation order across chains of replacements, end to end", .serialized)
struct ConversationOrderTests {
    @Test("ISSUE → AMEND → AMEND → CANCEL in four conversations under partners failing every other request: no successor is sent before its predecessor is acknowledged")
    func chainsUnderFailures() async throws {
        let gateway = try await PartnerGateway.start(nsw: .unavailableEvery(2), asw: .unavailableEvery(2)) { configuration in
            for name in ["nsw", "asw"] { configuration.destinations[name]?.circuitFailureThreshold = 1000 }
        }
        let (server, client, partners) = (gateway.server, gateway.client, gateway.partners)

        // Links are submitted round-robin across conversations, each after its predecessor's 202.
        let steps: [(suffix: String, function: String, replaces: String?)] = [
            ("", "ISSUE", nil), ("-A1", "AMEND", ""), ("-A2", "AMEND", "-A1"), ("-C", "CANCEL", "-A2"),
        ]
        var chains: [[(id: String, wire: String)]] = Array(repeating: [], count: 4)
        for step in steps {
            for chain in 0..<4 {
                let base = "VN-TH 26/03/00050\(chain)"
                let body = try chainLink(base + step.suffix, function: step.function, replaces: step.replaces.map { base + $0 })
                let result = try await client.submit(body)
                #expect(result.status == 202, "\(base + step.suffix): \(result.text)")
                chains[chain].append((try #require(result.json["id"] as? String), try #require(result.json["messageId"] as? String)))
            }
        }
        for chain in chains {
            let record = try #require(try await server.store.message(id: chain[3].id))
            #expect(record.conversation == (try #require(try await server.store.message(id: chain[0].id))).conversation)
        }
        let delivered = try await eventually(60) {
            for chain in chains {
                for link in chain where try await client.get("/v1/messages/\(link.id)").json["status"] as? String != "delivered" { return false }
            }
            return true
        }
        #expect(delivered)

        for (name, state, idOnWire) in [
            ("nsw", partners.nsw.state, { (wire: String) in wire }),
            ("asw", partners.asw.state, { (wire: String) in AS4Signals.messageId(forWireMessageID: wire) }),
        ] {
            let events = await state.events
            #expect(events.contains { if case .attempted = $0 { true } else { false } })
            var failures = 0
            for chain in chains {
                for k in 1..<chain.count {
                    let predecessor = idOnWire(chain[k - 1].wire)
                    let successor = idOnWire(chain[k].wire)
                    let acknowledged = try #require(events.firstIndex(of: .acknowledged(predecessor)), "\(name): \(predecessor) never acknowledged")
                    let firstAttempt = try #require(events.firstIndex(of: .attempted(successor)), "\(name): \(successor) never sent")
                    if firstAttempt < acknowledged { failures += 1 }
                }
            }
            #expect(failures == 0, "\(name): \(failures) successors were sent before their predecessor was acknowledged")
            let requests = await state.requestCount
            #expect(requests > 16, "\(name): the partner failed some requests (\(requests) requests for 16 messages)")
        }
        await gateway.stop()
    }

    @Test("An AMEND of a certificate the gateway never accepted is refused with 409 unknown-predecessor and stores nothing")
    func unknownPredecessor() async throws {
        let harness = try await PortalHarness.start()
        let result = try await harness.client.submit(try chainLink("VN-TH 26/03/000600-A1", function: "AMEND", replaces: "VN-TH 26/03/000600"))
        #expect(result.status == 409, "\(result.text)")
        #expect(result.json["type"] as? String == "urn:swgate:problem:unknown-predecessor")
        #expect(try await harness.store.stats().messageCount == 0)
        await harness.stop()
    }
}

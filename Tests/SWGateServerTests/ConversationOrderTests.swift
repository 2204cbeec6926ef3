import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SWGateHTTP
import SWGateServer
import SWGateStore
import SWGateTesting
import Synchronization
import Testing

@testable import SWGateAS4
@testable import SWGateChannels
@testable import SWGateNSW

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
    @Test(
        "ISSUE → AMEND → AMEND → CANCEL in four conversations under partners failing every other request: no successor is sent before its predecessor is acknowledged"
    )
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

    @Test("ISSUE → AMEND → CANCEL from the NSW in four conversations reach the portal in order while it fails every other request")
    func inboundChainsUnderFailures() async throws {
        let portal = AlternatelyFailingPortal()
        let (portalPort, portalTask) = try await startHost(EndpointHost(routes: [.init("/", portal)]))
        defer { portalTask.cancel() }
        let gateway = try await PartnerGateway.start { configuration in
            configuration.destinations["portal"]?.url = "http://127.0.0.1:\(portalPort)/callback"
            configuration.destinations["portal"]?.circuitFailureThreshold = 1000
        }
        let nsw = try SimulatedPartner.nsw.developmentSecurity(certificates: certificatesDirectory)
        let steps: [(suffix: String, function: String, replaces: String?)] = [("", "ISSUE", nil), ("-A1", "AMEND", ""), ("-C", "CANCEL", "-A1")]
        var chains: [[String]] = Array(repeating: [], count: 4)
        for step in steps {
            for chain in 0..<4 {
                let base = "TH-VN 26/03/00070\(chain)"
                let document = try chainLink(base + step.suffix, function: step.function, replaces: step.replaces.map { base + $0 })
                let soap = SOAP11.envelope(containing: try nsw.signFormDForNSW(document, messageId: "nsw-\(chain)\(step.suffix)"))
                let answer = try await gateway.client.send(.POST, "/nsw", headers: [("Content-Type", "text/xml; charset=utf-8")], body: soap)
                #expect(answer.status == 200, "\(base + step.suffix): \(answer.text)")
                chains[chain].append(base + step.suffix)
            }
        }
        // Each chain is one conversation, named after its ISSUE.
        let stored = try await gateway.server.store.deliveries(matching: DeliveryFilter(destination: "portal"))
        #expect(Set(stored.map(\.conversation)) == Set(chains.map { $0[0] }), "\(stored.map(\.conversation))")
        #expect(try await eventually(60) { portal.delivered.count == 12 })
        let log = portal.log
        #expect(log.contains { !$0.delivered }, "the portal failed some requests")
        for chain in chains {
            for k in 1..<chain.count {
                let delivered = try #require(log.firstIndex { $0.reference == chain[k - 1] && $0.delivered }, "\(chain[k - 1]) never delivered")
                let attempted = try #require(log.firstIndex { $0.reference == chain[k] }, "\(chain[k]) never attempted")
                #expect(delivered < attempted, "\(chain[k]) was sent to the portal before \(chain[k - 1]) was delivered")
            }
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

/// A portal callback receiver that refuses every other request with 503 and records, in order,
/// which NSW envelope (by `Subject/reference`) each request carried and whether it was accepted.
private final class AlternatelyFailingPortal: Endpoint {
    private let entries = Mutex<[(reference: String, delivered: Bool)]>([])

    var log: [(reference: String, delivered: Bool)] { entries.withLock { $0 } }
    var delivered: [String] { log.filter(\.delivered).map(\.reference) }

    func handle(_ request: EndpointRequest) async -> EndpointResponse {
        let text = String(decoding: request.body, as: UTF8.self)
        let reference = text.firstMatch(of: /<reference>([^<]*)<\/reference>/).map { String($0.1) } ?? ""
        let accepted = entries.withLock { entries -> Bool in
            let accepted = entries.count % 2 == 1
            entries.append((reference, accepted))
            return accepted
        }
        return EndpointResponse(status: accepted ? 204 : 503)
    }
}

import Foundation
import NIOHTTP1
import SWGateChannels
import SWGateNSW
import SWGateServer
import SWGateStore
import SWGateTesting
import Testing

@testable import SWGateAS4

@Suite("Portal API: POST /v1/documents", .serialized)
struct PortalDocumentsTests {
    @Test("A Form D on /v1/documents is accepted for nsw and asw and delivered to both, as one on /v1/certificates is")
    func formD() async throws {
        let harness = try await PartnerGateway.start()
        let viaDocuments = try await harness.submit(try FormDSamples.withReference("VN-TH 26/03/000701"))
        let viaCertificates = try await harness.submit(try FormDSamples.withReference("VN-TH 26/03/000702"), path: "/v1/certificates")
        var accepted: [(id: String, messageId: String)] = []
        for result in [viaDocuments, viaCertificates] {
            #expect(result.status == 202, "\(result.text)")
            #expect(result.json["destinations"] as? [String] == ["nsw", "asw"])
            accepted.append((try #require(result.json["id"] as? String), try #require(result.json["messageId"] as? String)))
        }
        let delivered = try await eventually {
            for message in accepted {
                guard try await harness.client.get("/v1/messages/\(message.id)").json["status"] as? String == "delivered" else { return false }
            }
            return true
        }
        #expect(delivered)
        // Both partners verified and acknowledged both, each under its wire message id.
        #expect(Set(await harness.partners.nsw.state.received) == Set(accepted.map(\.messageId)))
        #expect(Set(await harness.partners.asw.state.received) == Set(accepted.map { AS4Signals.messageId(forWireMessageID: $0.messageId) }))
        for message in accepted {
            let record = try #require(try await harness.server.store.message(id: message.id))
            #expect(record.documentType == "ATIGA-FORM-D")
            #expect(record.deliveries.map(\.destination).sorted() == ["asw", "nsw"])
            #expect(record.deliveries.allSatisfy { $0.state == .delivered })
        }
        await harness.stop()
    }

    @Test("An XML document of no known document type on /v1/documents: 400 invalid-document naming its root and the known ones; nothing stored")
    func unknownRoot() async throws {
        let harness = try await PortalHarness.start()
        func post(_ xml: String) async throws -> HTTPResult {
            try await harness.client.send(
                .POST, "/v1/documents", headers: [("Content-Type", "application/xml"), ("Authorization", "Bearer \(DevelopmentToken.submitter)")],
                body: Array(xml.utf8))
        }
        let invoice = try await post(#"<?xml version="1.0"?><Invoice xmlns="urn:example:invoice:1"><Number>1</Number></Invoice>"#)
        #expect(invoice.status == 400, "\(invoice.text)")
        #expect(invoice.headers["content-type"] == "application/problem+json")
        #expect(invoice.json["type"] as? String == "urn:swgate:problem:invalid-document")
        let errors = try #require(invoice.json["errors"] as? [[String: Any]], "\(invoice.text)")
        #expect(errors.count == 1)
        #expect(errors.first?["rule"] as? String == "DOC-ROOT")
        let message = errors.first?["message"] as? String ?? ""
        #expect(message.contains("'Invoice' in namespace 'urn:example:invoice:1'"), "\(message)")
        #expect(message.contains("FormD in 'urn:swgate:atiga:form-d:1'") && message.contains("Licence in 'urn:swgate:licence:1'"), "\(message)")
        // A known root name in another namespace is named as such.
        let foreign = try await post(#"<FormD xmlns="urn:example:form-d"><ReferenceNumber>X</ReferenceNumber></FormD>"#)
        #expect(foreign.status == 400, "\(foreign.text)")
        #expect((foreign.json["errors"] as? [[String: Any]])?.first?["rule"] as? String == "DOC-NAMESPACE", "\(foreign.text)")
        #expect(try await harness.store.stats().messageCount == 0)
        await harness.stop()
    }
}

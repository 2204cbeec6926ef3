import Foundation
import SWGateConsole
import SWGateHTTP
import SWGateStore
import SWGateTesting
import Testing

@Suite("Console: a message's page")
struct ConsoleMessagePageTests {
    @Test(
        "Attempts show HTTP status, duration and error; the downloads give the signed bytes and the receipt; the amendment follows in the conversation"
    )
    func wholeStory() async throws {
        let harness = try ConsoleHarness()
        defer { harness.close() }
        let store = harness.store
        _ = try await store.enqueue(
            NewMessage(
                wireMessageID: "W-1", conversation: "VN-TH 26/12/000001", documentType: "ATIGA-FORM-D", function: .issue, source: "portal",
                payloads: [OutboundPayload(destination: "nsw", body: Data("<FormD/>".utf8), contentType: "application/xml")]))
        // First attempt: the channel signs the document, the partner answers 503.
        let first = try #require(try await store.claim(destination: "nsw", limit: 1, owner: "node-a", leaseDuration: .seconds(60), now: Date()).first)
        let signed = Data("<Envelope><Signature>c2lnbmVk</Signature><FormD/></Envelope>".utf8)
        try await store.recordSignedPayload(deliveryID: first.deliveryID, owner: "node-a", body: signed, contentType: "application/soap+xml")
        _ = try await store.complete(
            DeliveryCompletion(
                deliveryID: first.deliveryID, owner: "node-a", startedAt: Date(), duration: .milliseconds(1234), outcome: .transientFailure,
                httpStatus: 503, error: "HTTP 503 Service Unavailable: NSW maintenance window", transition: .retry(at: Date())))
        // Second attempt: delivered, with the partner's signed receipt.
        let second = try #require(
            try await store.claim(destination: "nsw", limit: 1, owner: "node-a", leaseDuration: .seconds(60), now: Date().addingTimeInterval(1)).first
        )
        let receipt = Data("<Receipt status='accepted'/>".utf8)
        _ = try await store.complete(
            DeliveryCompletion(
                deliveryID: second.deliveryID, owner: "node-a", startedAt: Date(), duration: .milliseconds(87), outcome: .delivered, httpStatus: 200,
                transition: .delivered(receipt: Receipt(contentType: "application/xml", body: receipt))))
        // The amendment, later in the same conversation.
        _ = try await store.enqueue(
            NewMessage(
                wireMessageID: "W-2", conversation: "VN-TH 26/12/000001", documentType: "ATIGA-FORM-D", function: .amend, source: "portal",
                payloads: [OutboundPayload(destination: "nsw", body: Data("<FormD amended='1'/>".utf8), contentType: "application/xml")]))

        let alice = try await harness.signIn("alice", ConsoleHarness.operatorPassword)
        let page = await harness.send("GET", "/console/messages/W-1", cookie: alice.cookie)
        #expect(page.status == 200)
        let record = try #require(try await store.message(id: "W-1"))
        let delivery = record.deliveries[0]

        // Each attempt: number, started, duration, outcome, HTTP status, error, instance.
        let attempts = page.rows("attempts-nsw")
        #expect(attempts.count == 2)
        #expect(
            attempts.first.map { Array($0[2...6]) } == [
                "1234 ms", "transient-failure", "503", "HTTP 503 Service Unavailable: NSW maintenance window", "node-a",
            ])
        #expect(attempts.last.map { Array($0[2...4]) } == ["87 ms", "delivered", "200"])

        // The exact signed bytes, as the `signed` audit entry describes them.
        let payload = await harness.send("GET", "/console/messages/W-1/payload/\(delivery.id)", cookie: alice.cookie)
        #expect(payload.status == 200 && Data(payload.body) == signed)
        #expect(payload.headers["content-type"] == "application/soap+xml")
        let signedEntry = try #require(try await store.auditEntries(messageID: record.id).first { $0.event == .signed })
        #expect(signedEntry.detail.hasSuffix("sha256 \(AuditEntry.sha256Hex(Data(payload.body)))"))

        // The receipt, byte for byte.
        #expect(page.rows("receipts-nsw").count == 1)
        let download = await harness.send("GET", "/console/messages/W-1/receipt/\(delivery.id)/0", cookie: alice.cookie)
        #expect(download.status == 200 && Data(download.body) == receipt)
        #expect(Data(download.body) == delivery.receipts.first?.body)
        #expect(await harness.send("GET", "/console/messages/W-1/receipt/\(delivery.id)/1", cookie: alice.cookie).status == 404)

        // The conversation: the issue (this page's message) first, then the amendment.
        let conversation = page.rows("conversation")
        #expect(conversation.map { $0[1] } == [record.id, try #require(try await store.message(id: "W-2")).id])
        #expect(conversation.map { $0[2] } == ["ISSUE", "AMEND"])
        #expect(page.element("conversation")?.contains(#"<tr class="current">"#) == true)
    }
}

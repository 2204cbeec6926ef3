import Foundation
import SWGateStore
import Testing

@Suite("Outbox contract: searching deliveries and reading the bytes sent")
struct SearchContractTests {
    @Test(
        "A filter narrows by id, wire id, conversation, reference chain, function, destination and time; pages newest first",
        arguments: StoreKind.allCases)
    func search(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.enqueue(
                formD("W-1", conversation: "REF-1", destinations: ["nsw", "asw"], link: .document(reference: "REF-1", replaces: nil)))
            _ = try await store.enqueue(
                formD("W-2", conversation: "REF-1-A1", function: .amend, link: .document(reference: "REF-1-A1", replaces: "REF-1")))
            let between = Date()
            try await Task.sleep(for: .milliseconds(5))
            _ = try await store.enqueue(formD("W-3", conversation: "REF-9", link: .document(reference: "REF-9", replaces: nil)))

            let all = try await store.deliveries(matching: DeliveryFilter())
            #expect(all.map(\.wireMessageID) == ["W-1", "W-1", "W-2", "W-3"])
            let first = try #require(all.first)
            #expect(try await store.deliveries(matching: DeliveryFilter(messageID: first.messageID)).count == 2)
            #expect(try await store.deliveries(matching: DeliveryFilter(messageID: "W-3")).map(\.wireMessageID) == ["W-3"])
            // The amendment joined REF-1's conversation; its own reference finds the whole chain.
            #expect(try await store.deliveries(matching: DeliveryFilter(conversation: "REF-1")).map(\.wireMessageID) == ["W-1", "W-1", "W-2"])
            #expect(try await store.deliveries(matching: DeliveryFilter(reference: "REF-1-A1")).map(\.wireMessageID) == ["W-1", "W-1", "W-2"])
            #expect(try await store.deliveries(matching: DeliveryFilter(function: .amend)).map(\.wireMessageID) == ["W-2"])
            #expect(try await store.deliveries(matching: DeliveryFilter(destination: "asw")).map(\.wireMessageID) == ["W-1"])
            #expect(try await store.deliveries(matching: DeliveryFilter(acceptedSince: between)).map(\.wireMessageID) == ["W-3"])
            #expect(try await store.deliveries(matching: DeliveryFilter(acceptedBefore: between)).count == 3)
            let page = try await store.deliveries(matching: DeliveryFilter(newestFirst: true, offset: 1, limit: 2))
            #expect(page.map(\.wireMessageID) == ["W-2", "W-1"])
            #expect(try await store.deliveries(matching: DeliveryFilter(newestFirst: true, offset: 4, limit: 2)).isEmpty)
        }
    }

    @Test("The payload of a delivery is the stored document, then the signed bytes once recorded", arguments: StoreKind.allCases)
    func payload(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.enqueue(formD("W-1", conversation: "C-1", body: "<doc/>"))
            let claimed = try #require(try await store.claimNow().first)
            let before = try #require(try await store.payload(deliveryID: claimed.deliveryID))
            #expect(before.body == Data("<doc/>".utf8))
            #expect(before.destination == "nsw" && before.messageID == claimed.messageID)
            try await store.recordSignedPayload(
                deliveryID: claimed.deliveryID, owner: claimed.owner, body: Data("<signed/>".utf8), contentType: "text/xml")
            let after = try #require(try await store.payload(deliveryID: claimed.deliveryID))
            #expect(after.body == Data("<signed/>".utf8) && after.contentType == "text/xml")
            #expect(try await store.payload(deliveryID: 999_999) == nil)
        }
    }
}

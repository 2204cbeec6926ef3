import Foundation
import SWGateStore
import Testing

@Suite("Outbox contract: leases, completion, signed payloads")
struct LeaseContractTests {
    @Test("An expired lease is reclaimed; the old owner's completion records the attempt but changes nothing", arguments: StoreKind.allCases)
    func reclaim(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.enqueue(formD("M-1"))
            let now = Date()
            let claimed = try await store.claimNow(owner: "node-a", at: now)
            #expect(claimed.count == 1 && claimed[0].attempt == 1)
            #expect(try await store.reclaimExpiredLeases(now: now) == 0)
            #expect(try await store.reclaimExpiredLeases(now: now.addingTimeInterval(120)) == 1)
            #expect(try await store.finish(claimed[0], .delivered(receipt: nil)) == .leaseLost)
            let again = try await store.claimNow(owner: "node-b", at: now.addingTimeInterval(121))
            #expect(again.map(\.attempt) == [2])
            #expect(try await store.finish(again[0], .delivered(receipt: Receipt(contentType: "text/plain", body: Data("ok".utf8)))) == .applied)
            let record = try #require(try await store.message(id: "M-1"))
            #expect(record.deliveries[0].state == .delivered)
            #expect(record.deliveries[0].attempts.map(\.owner) == ["node-a", "node-b"])
            #expect(record.deliveries[0].receipts.map(\.body) == [Data("ok".utf8)])
            let events = try await store.auditEntries(messageID: record.id).map(\.event)
            #expect(events == [.accepted, .sending, .leaseReclaimed, .sending, .delivered])
        }
    }

    @Test("An owner restarting releases its own leases only", arguments: StoreKind.allCases)
    func release(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.enqueue(formD("M-1", conversation: "C-1"))
            _ = try await store.enqueue(formD("M-2", conversation: "C-2"))
            _ = try await store.claimNow(limit: 1, owner: "node-a")
            _ = try await store.claimNow(limit: 1, owner: "node-b")
            #expect(try await store.releaseLeases(owner: "node-a", now: Date()) == 1)
            let states = try await store.deliveries(matching: DeliveryFilter()).map(\.state)
            #expect(states == [.pending, .sending])
        }
    }

    @Test("A retry waits for its time; dead after the budget", arguments: StoreKind.allCases)
    func retryAndDead(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.enqueue(formD("M-1"))
            let now = Date()
            let first = try await store.claimNow(at: now)
            try await store.finish(first[0], .retry(at: now.addingTimeInterval(30)))
            #expect(try await store.claimNow(at: now.addingTimeInterval(10)).isEmpty)
            let second = try await store.claimNow(at: now.addingTimeInterval(31))
            #expect(second.map(\.attempt) == [2])
            try await store.finish(second[0], .dead)
            #expect(try await store.stats().total(.dead) == 1)
        }
    }

    @Test("A follow-up is stored with the transition, and not when the lease was lost", arguments: StoreKind.allCases)
    func followUp(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.enqueue(formD("M-1", conversation: "C-1", link: .document(reference: "C-1", replaces: nil)))
            _ = try await store.enqueue(formD("M-2", conversation: "C-2"))
            let now = Date()
            let claimed = try await store.claimNow(at: now)
            let callback = formD("cb-1", conversation: "C-1", function: .ack, destinations: ["portal"], link: .answer(about: "C-1"))
            #expect(try await store.finish(claimed[0], .delivered(receipt: nil), followUp: callback) == .applied)
            #expect(try await store.message(id: "cb-1")?.deliveries.map(\.destination) == ["portal"])
            _ = try await store.reclaimExpiredLeases(now: now.addingTimeInterval(600))
            let lost = formD("cb-2", conversation: "C-2", function: .ack, destinations: ["portal"])
            #expect(try await store.finish(claimed[1], .failed, followUp: lost) == .leaseLost)
            #expect(try await store.message(id: "cb-2") == nil)
        }
    }

    @Test("Signed bytes replace the payload only under the lease", arguments: StoreKind.allCases)
    func signedPayload(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.enqueue(formD("M-1"))
            let claimed = try await store.claimNow(owner: "node-a")
            let signed = Data("<signed/>".utf8)
            try await store.recordSignedPayload(deliveryID: claimed[0].deliveryID, owner: "node-a", body: signed, contentType: "application/soap+xml")
            let code = await outboxErrorCode {
                try await store.recordSignedPayload(deliveryID: claimed[0].deliveryID, owner: "node-b", body: Data(), contentType: "x")
            }
            #expect(code == .leaseLost)
            _ = try await store.releaseLeases(owner: "node-a", now: Date())
            let again = try await store.claimNow()
            #expect(again.first?.payload == signed)
            #expect(again.first?.contentType == "application/soap+xml")
            #expect(try await store.auditEntries(messageID: again[0].messageID).map(\.event).contains(.signed))
        }
    }
}

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

    @Test("Deliveries claimed ahead are released by id, unattempted, and only the owner's", arguments: StoreKind.allCases)
    func releaseClaimedAhead(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            for index in 1...4 {
                _ = try await store.enqueue(formD("M-\(index)", conversation: "C-\(index)"))
            }
            let mine = try await store.claimNow(limit: 3, owner: "node-a")
            let theirs = try await store.claimNow(limit: 1, owner: "node-b")
            #expect(mine.count == 3 && theirs.count == 1)
            // One of mine, one of node-b's, and an id that does not exist: only mine is released.
            let released = try await store.release([mine[1].deliveryID, theirs[0].deliveryID, 999_999], owner: "node-a", now: Date())
            #expect(released == 1)
            #expect(try await store.release([], owner: "node-a", now: Date()) == 0)
            let states = try await store.deliveries(matching: DeliveryFilter()).map(\.state)
            #expect(states == [.sending, .pending, .sending, .sending])
            let record = try #require(try await store.message(id: "M-2"))
            #expect(record.deliveries[0].attempts.isEmpty)
            let entries = try await store.auditEntries(messageID: record.id)
            #expect(entries.map(\.event) == [.accepted, .sending, .leaseReclaimed])
            #expect(entries.last?.actor == "node-a")
            // Released unattempted: the next claim is its first attempt.
            let again = try await store.claimNow(limit: 1, owner: "node-c")
            #expect(again.map(\.messageID) == [record.id] && again.map(\.attempt) == [1])
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

    @Test(
        "Signed bytes given with a completion replace the payload in the transition, audited as signed before it; not when the lease was lost",
        arguments: StoreKind.allCases)
    func signedWithCompletion(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.enqueue(formD("M-1", conversation: "C-1"))
            _ = try await store.enqueue(formD("M-2", conversation: "C-2"))
            let now = Date()
            let claimed = try await store.claimNow(at: now)
            #expect(claimed.count == 2)
            let first = SignedPayload(contentType: "application/soap+xml", body: Data("<signed n='1'/>".utf8))
            #expect(try await store.finish(claimed[0], .retry(at: now), signed: first) == .applied)
            // The second attempt's lease is gone: its signed bytes are not kept.
            _ = try await store.reclaimExpiredLeases(now: now.addingTimeInterval(600))
            let lost = SignedPayload(contentType: "application/soap+xml", body: Data("<signed n='2'/>".utf8))
            #expect(try await store.finish(claimed[1], .delivered(receipt: nil), signed: lost) == .leaseLost)

            let again = try await store.claimNow(at: now.addingTimeInterval(601))
            let byID = Dictionary(uniqueKeysWithValues: again.map { ($0.messageID, $0) })
            let one = try #require(byID[claimed[0].messageID])
            #expect(one.payload == first.body && one.contentType == first.contentType)
            let two = try #require(byID[claimed[1].messageID])
            #expect(two.payload == claimed[1].payload && two.contentType == claimed[1].contentType)
            let events = try await store.auditEntries(messageID: one.messageID).map(\.event)
            #expect(events == [.accepted, .sending, .signed, .retryScheduled, .sending])
            #expect(try await store.auditEntries(messageID: two.messageID).map(\.event).contains(.signed) == false)
        }
    }

    @Test("Completions carrying signed bytes committed together each keep their own", arguments: StoreKind.allCases)
    func signedWithConcurrentCompletions(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            for index in 1...6 { _ = try await store.enqueue(formD("M-\(index)", conversation: "C-\(index)")) }
            let claimed = try await store.claimNow(limit: 6)
            #expect(claimed.count == 6)
            let results = try await withThrowingTaskGroup(of: CompletionResult.self) { group in
                for delivery in claimed {
                    group.addTask {
                        try await store.finish(
                            delivery, .delivered(receipt: nil),
                            signed: SignedPayload(contentType: "application/soap+xml", body: Data("<signed id='\(delivery.messageID)'/>".utf8)))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results == Array(repeating: .applied, count: 6))
            for delivery in claimed {
                let payload = try #require(try await store.payload(deliveryID: delivery.deliveryID))
                #expect(payload.body == Data("<signed id='\(delivery.messageID)'/>".utf8))
                #expect(payload.contentType == "application/soap+xml")
                #expect(try await store.auditEntries(messageID: delivery.messageID).map(\.event) == [.accepted, .sending, .signed, .delivered])
            }
        }
    }

    @Test("The first claim's date is kept by later claims and cleared by a replay", arguments: StoreKind.allCases)
    func firstClaimDate(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.enqueue(formD("M-1"))
            let start = Date()
            let first = try #require(try await store.claimNow(at: start).first)
            #expect(abs(first.firstClaimedAt.timeIntervalSince(start)) < 0.002)
            _ = try await store.reclaimExpiredLeases(now: start.addingTimeInterval(120))
            let second = try #require(try await store.claimNow(at: start.addingTimeInterval(121)).first)
            #expect(second.attempt == 2 && second.firstClaimedAt == first.firstClaimedAt)
            try await store.finish(second, .failed)
            _ = try await store.replay(ReplayRequest(selection: .messages([second.messageID]), operatorName: "op", dryRun: false))
            let later = start.addingTimeInterval(300)
            let third = try #require(try await store.claimNow(at: later).first)
            #expect(abs(third.firstClaimedAt.timeIntervalSince(later)) < 0.002)
        }
    }
}

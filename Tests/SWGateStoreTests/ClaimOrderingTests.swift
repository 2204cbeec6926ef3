import Foundation
import SWGateStore
import Testing

@Suite("Claiming: FIFO per conversation and destination, leases")
struct ClaimOrderingTests {
    @Test("Claims for several destinations are one store unit and one transaction, each within its own limit")
    func claimSeveralDestinationsAtOnce() async throws {
        try await withStore { store, _ in
            var messages: [String] = []
            for index in 0..<3 {
                messages.append(try await store.enqueue(formD("M-\(index)", conversation: "VN-\(index)", destinations: ["nsw", "asw"])).id)
            }
            let before = store.counters
            let outcome = await store.claim(
                [ClaimRequest(destination: "nsw", limit: 2), ClaimRequest(destination: "asw", limit: 5), ClaimRequest(destination: "portal", limit: 0)],
                owner: "test", leaseDuration: .seconds(60), now: Date())
            let after = store.counters
            #expect(outcome.failures.isEmpty)
            let claimed = outcome.claimed
            #expect(after.units - before.units == 1)
            #expect(after.transactions - before.transactions == 1)
            #expect(claimed.filter { $0.destination == "nsw" }.map(\.messageID) == Array(messages.prefix(2)))
            #expect(claimed.filter { $0.destination == "asw" }.map(\.messageID) == messages)
            // Each claimed delivery is leased and audited as for a claim of its destination alone.
            #expect(try await store.claimNow("asw").isEmpty)
            #expect(try await store.claimNow("nsw").map(\.messageID) == [messages[2]])
            let audit = try await store.auditEntries(messageID: messages[0])
            #expect(audit.filter { $0.event == .sending }.map(\.destination) == ["nsw", "asw"])
        }
    }

    @Test("An AMEND is not claimed while its ISSUE is pending, sending, retrying, failed or dead")
    func amendNeverOvertakesIssue() async throws {
        try await withStore { store, _ in
            let issue = try await store.enqueue(formD("ISSUE-1", function: .issue))
            let amend = try await store.enqueue(formD("AMEND-1", function: .amend))
            let other = try await store.enqueue(formD("OTHER-1", conversation: "VN-2026-0002"))

            // Only the head of each conversation is claimable.
            var claimed = try await store.claimNow()
            #expect(Set(claimed.map(\.messageID)) == [issue.id, other.id])
            let issueDelivery = try #require(claimed.first { $0.messageID == issue.id })

            // ISSUE sending: AMEND blocked.
            #expect(try await store.claimNow().isEmpty)

            // ISSUE retrying (pending, due later): AMEND still blocked, even long after.
            try await store.finish(issueDelivery, .retry(at: Date().addingTimeInterval(3600)))
            #expect(try await store.claimNow(at: Date().addingTimeInterval(60)).isEmpty)

            // ISSUE due again: ISSUE (not AMEND) comes back; then it fails permanently: AMEND still blocked.
            claimed = try await store.claimNow(at: Date().addingTimeInterval(7200))
            #expect(claimed.map(\.messageID) == [issue.id])
            try await store.finish(claimed[0], .failed)
            #expect(try await store.claimNow(at: Date().addingTimeInterval(7200)).isEmpty)

            // Dead blocks too.
            _ = try await store.replay(ReplayRequest(selection: .messages([issue.id]), operatorName: "ops", dryRun: false))
            claimed = try await store.claimNow()
            #expect(claimed.map(\.messageID) == [issue.id])
            try await store.finish(claimed[0], .dead)
            #expect(try await store.claimNow().isEmpty)

            // Replayed and delivered: now the AMEND goes.
            _ = try await store.replay(ReplayRequest(selection: .filter(DeliveryFilter(states: [.dead])), operatorName: "ops", dryRun: false))
            claimed = try await store.claimNow()
            try await store.finish(try #require(claimed.first), .delivered(receipt: nil))
            claimed = try await store.claimNow()
            #expect(claimed.map(\.messageID) == [amend.id])
        }
    }

    @Test("Order is per destination: a delivered ISSUE to NSW does not release the AMEND to ASW")
    func orderIsPerDestination() async throws {
        try await withStore { store, _ in
            let issue = try await store.enqueue(formD("ISSUE-1", destinations: ["nsw", "asw"]))
            let amend = try await store.enqueue(formD("AMEND-1", function: .amend, destinations: ["nsw", "asw"]))
            let nsw = try await store.claimNow("nsw")
            #expect(nsw.map(\.messageID) == [issue.id])
            try await store.finish(nsw[0], .delivered(receipt: Receipt(contentType: "application/xml", body: Data("<ACK/>".utf8))))
            #expect(try await store.claimNow("nsw").map(\.messageID) == [amend.id])
            let asw = try await store.claimNow("asw")
            #expect(asw.map(\.messageID) == [issue.id])
            #expect(try await store.claimNow("asw").isEmpty)
            let record = try #require(try await store.message(id: issue.id))
            #expect(record.deliveries.first { $0.destination == "nsw" }?.receipts.first?.body == Data("<ACK/>".utf8))
        }
    }

    @Test("Claims respect the limit and the due time")
    func limitAndDueTime() async throws {
        try await withStore { store, _ in
            for index in 0..<5 { _ = try await store.enqueue(formD("M-\(index)", conversation: "C-\(index)")) }
            #expect(try await store.claimNow(limit: 2).count == 2)
            #expect(try await store.claimNow(limit: 10).count == 3)
            #expect(try await store.claimNow(limit: 10).isEmpty)
            #expect(try await store.claimNow(at: Date().addingTimeInterval(-3600)).isEmpty)
        }
    }

    @Test("An expired lease returns the delivery to pending; the late owner's completion no longer applies")
    func expiredLeaseIsReclaimed() async throws {
        try await withStore { store, _ in
            _ = try await store.enqueue(formD("M-1"))
            // One instant for the claim and the checks: a loaded machine may take over a second
            // between two calls, which must not count as the lease running out.
            let now = Date()
            let first = try #require(try await store.claim(destination: "nsw", limit: 1, owner: "killed", leaseDuration: .seconds(1), now: now).first)
            #expect(try await store.reclaimExpiredLeases(now: now) == 0)
            #expect(try await store.reclaimExpiredLeases(now: now.addingTimeInterval(5)) == 1)
            let second = try #require(try await store.claimNow(owner: "alive").first)
            #expect(second.deliveryID == first.deliveryID)
            #expect(second.attempt == 2)
            #expect(try await store.finish(first, .delivered(receipt: nil), owner: "killed") == .leaseLost)
            #expect(try await store.finish(second, .delivered(receipt: nil), owner: "alive") == .applied)
            let record = try #require(try await store.message(id: first.messageID))
            #expect(record.deliveries[0].state == .delivered)
            #expect(record.deliveries[0].attempts.count == 2)
        }
    }

    @Test("A restarted owner takes back its own leases at once")
    func ownLeasesReleasedAtStart() async throws {
        try await withStore { store, _ in
            _ = try await store.enqueue(formD("M-1"))
            _ = try await store.enqueue(formD("M-2", conversation: "C-2"))
            _ = try await store.claim(destination: "nsw", limit: 1, owner: "gw-1", leaseDuration: .seconds(600), now: Date())
            _ = try await store.claim(destination: "nsw", limit: 1, owner: "gw-2", leaseDuration: .seconds(600), now: Date())
            #expect(try await store.releaseLeases(owner: "gw-1", now: Date()) == 1)
            #expect(try await store.deliveries(matching: DeliveryFilter(states: [.sending])).count == 1)
            #expect(try await store.claimNow().count == 1)
        }
    }
}

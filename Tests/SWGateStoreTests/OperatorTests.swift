import Foundation
import SWGateStore
import Testing

@Suite("Replay and purge")
struct OperatorTests {
    @Test("Replay puts failed and dead deliveries back with a fresh budget and records the operator")
    func replayFailedAndDead() async throws {
        try await withStore { store, _ in
            let failed = try await store.enqueue(formD("M-1", conversation: "C-1"))
            let dead = try await store.enqueue(formD("M-2", conversation: "C-2"))
            let claimed = try await store.claimNow()
            try await store.finish(try #require(claimed.first { $0.messageID == failed.id }), .failed)
            try await store.finish(try #require(claimed.first { $0.messageID == dead.id }), .dead)

            let preview = try await store.replay(ReplayRequest(selection: .messages([failed.id, dead.id]), operatorName: "alice", dryRun: true))
            #expect(preview.count == 2 && preview.allSatisfy { $0.to == .pending })
            #expect(try await store.deliveries(matching: DeliveryFilter(states: [.failed, .dead])).count == 2)

            let changes = try await store.replay(ReplayRequest(selection: .messages([failed.id, dead.id]), operatorName: "alice", dryRun: false))
            #expect(changes.map(\.from).sorted { $0.rawValue < $1.rawValue } == [.dead, .failed])
            let again = try await store.claimNow()
            #expect(again.count == 2)
            #expect(again.allSatisfy { $0.attempt == 1 })
            let audit = try await store.auditEntries(messageID: dead.id)
            #expect(audit.contains { $0.event == .replayed && $0.actor == "alice" })
            #expect(try await store.verifyAudit().isIntact)
        }
    }

    @Test("Replaying an unknown id fails and changes nothing; a delivered one is skipped")
    func replayUnknownAndDelivered() async throws {
        try await withStore { store, _ in
            let message = try await store.enqueue(formD("M-1"))
            let claimed = try await store.claimNow()
            try await store.finish(claimed[0], .delivered(receipt: nil))
            let auditBefore = try await store.verifyAudit().entryCount
            await #expect(throws: OutboxError.self) {
                _ = try await store.replay(ReplayRequest(selection: .messages(["no-such-id"]), operatorName: "ops", dryRun: false))
            }
            let changes = try await store.replay(ReplayRequest(selection: .messages([message.id]), operatorName: "ops", dryRun: false))
            #expect(changes.count == 1 && changes[0].to == nil)
            #expect(try await store.verifyAudit().entryCount == auditBefore)
        }
    }

    @Test("Replay by status and destination only touches matching deliveries")
    func replayByFilter() async throws {
        try await withStore { store, _ in
            _ = try await store.enqueue(formD("M-1", destinations: ["nsw", "asw"]))
            for destination in ["nsw", "asw"] {
                try await store.finish(try #require(try await store.claimNow(destination).first), .dead)
            }
            let changes = try await store.replay(
                ReplayRequest(selection: .filter(DeliveryFilter(states: [.dead])), destination: "asw", operatorName: "ops", dryRun: false))
            #expect(changes.map(\.destination) == ["asw"])
            #expect(try await store.deliveries(matching: DeliveryFilter(states: [.dead])).map(\.destination) == ["nsw"])
        }
    }

    @Test("Purge removes fully delivered old messages and keeps every undelivered one")
    func purgeKeepsUndelivered() async throws {
        try await withStore { store, _ in
            let delivered = try await store.enqueue(formD("M-1", conversation: "C-1"))
            let partly = try await store.enqueue(formD("M-2", conversation: "C-2", destinations: ["nsw", "asw"]))
            let failed = try await store.enqueue(formD("M-3", conversation: "C-3"))
            for delivery in try await store.claimNow() {
                try await store.finish(delivery, delivery.messageID == failed.id ? .failed : .delivered(receipt: nil))
            }
            _ = try await store.enqueue(formD("M-4", conversation: "C-4"))
            let future = Date().addingTimeInterval(3600)
            let preview = try await store.purgeDelivered(before: future, actor: "ops", dryRun: true)
            #expect(preview.messageIDs == [delivered.id])
            #expect(try await store.stats().messageCount == 4)
            #expect(try await store.purgeDelivered(before: Date().addingTimeInterval(-3600), actor: "ops", dryRun: false).messageIDs.isEmpty)
            let purged = try await store.purgeDelivered(before: future, actor: "ops", dryRun: false)
            #expect(purged.messageIDs == [delivered.id])
            #expect(try await store.message(id: delivered.id) == nil)
            #expect(try await store.message(id: partly.id) != nil)
            #expect(try await store.stats().messageCount == 3)
            let audit = try await store.auditEntries(messageID: delivered.id)
            #expect(audit.last?.event == .purged)
            #expect(try await store.verifyAudit().isIntact)
        }
    }

    @Test("Stats count by destination and state")
    func stats() async throws {
        try await withStore { store, _ in
            _ = try await store.enqueue(formD("M-1", destinations: ["nsw", "asw"]))
            _ = try await store.enqueue(formD("M-2", conversation: "C-2"))
            try await store.finish(try #require(try await store.claimNow("asw").first), .delivered(receipt: nil))
            let stats = try await store.stats()
            #expect(stats.total(.pending) == 2)
            #expect(stats.total(.delivered) == 1)
            #expect(stats.messageCount == 2)
            #expect(stats.oldestPendingAcceptedAt != nil)
        }
    }
}

import Foundation
import SWGateStore
import Testing

@Suite("Outbox contract: replay, purge, stats, listings, audit")
struct OperatorContractTests {
    @Test("Replay puts failed and dead back with a fresh budget; a dry run changes nothing; unknown ids are refused", arguments: StoreKind.allCases)
    func replay(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.enqueue(formD("M-1", conversation: "C-1"))
            _ = try await store.enqueue(formD("M-2", conversation: "C-2"))
            let claimed = try await store.claimNow()
            try await store.finish(claimed[0], .failed)
            try await store.finish(claimed[1], .dead)
            let dry = try await store.replay(ReplayRequest(selection: .filter(DeliveryFilter()), operatorName: "op", dryRun: true))
            #expect(dry.count == 2)
            #expect(try await store.stats().total(.pending) == 0)
            let done = try await store.replay(ReplayRequest(selection: .filter(DeliveryFilter(states: [.dead])), operatorName: "op", dryRun: false))
            #expect(done.map(\.from) == [.dead])
            #expect(try await store.claimNow().map(\.attempt) == [1])
            let code = await outboxErrorCode {
                _ = try await store.replay(ReplayRequest(selection: .messages(["nope"]), operatorName: "op", dryRun: false))
            }
            #expect(code == .unknownID)
            let replayed = try await store.auditEntries(messageID: claimed[1].messageID).filter { $0.event == .replayed }
            #expect(replayed.map(\.actor) == ["op"])
        }
    }

    @Test("Purge removes only messages delivered everywhere before the cutoff, and audits each", arguments: StoreKind.allCases)
    func purge(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.enqueue(formD("M-1", conversation: "C-1"))
            _ = try await store.enqueue(formD("M-2", conversation: "C-2"))
            let claimed = try await store.claimNow()
            try await store.finish(claimed[0], .delivered(receipt: nil))
            let later = Date().addingTimeInterval(60)
            let dry = try await store.purgeDelivered(before: later, actor: "op", dryRun: true)
            #expect(dry.messageIDs == [claimed[0].messageID])
            #expect(try await store.stats().messageCount == 2)
            let purged = try await store.purgeDelivered(before: later, actor: "op", dryRun: false)
            #expect(purged.messageIDs == [claimed[0].messageID])
            #expect(try await store.message(id: "M-1") == nil)
            #expect(try await store.stats().messageCount == 1)
            #expect(try await store.auditEntries(messageID: claimed[0].messageID).last?.event == .purged)
            #expect(try await store.verifyAudit().isIntact)
        }
    }

    @Test("Stats count per destination and state; pages list messages in acceptance order", arguments: StoreKind.allCases)
    func statsAndPages(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            for index in 1...3 { _ = try await store.enqueue(formD("M-\(index)", conversation: "C-\(index)", destinations: ["nsw", "asw"])) }
            let claimed = try await store.claimNow("nsw", limit: 1)
            try await store.finish(claimed[0], .delivered(receipt: nil))
            let stats = try await store.stats()
            #expect(stats.messageCount == 3)
            #expect(stats.rows.first { $0.destination == "nsw" && $0.state == .delivered }?.count == 1)
            #expect(stats.rows.first { $0.destination == "asw" && $0.state == .pending }?.count == 3)
            #expect(stats.oldestPendingAcceptedAt != nil)
            let page = try await store.messagePage(MessagePageQuery(limit: 2))
            #expect(page.items.map(\.wireMessageID) == ["M-1", "M-2"])
            #expect(page.items[0].deliveries == ["nsw": .delivered, "asw": .pending])
            let next = try await store.messagePage(MessagePageQuery(limit: 2, afterSequence: page.nextSequence))
            #expect(next.items.map(\.wireMessageID) == ["M-3"] && next.nextSequence == nil)
            let delivered = try await store.messagePage(MessagePageQuery(state: .delivered, destination: "nsw"))
            #expect(delivered.items.map(\.wireMessageID) == ["M-1"])
            let listed = try await store.deliveries(matching: DeliveryFilter(states: [.pending], destination: "asw", limit: 2))
            #expect(listed.map(\.destination) == ["asw", "asw"])
        }
    }

    @Test("An operator's action without a message is chained like any entry, with no message and no destination", arguments: StoreKind.allCases)
    func operatorAction(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let stored = try await store.enqueue(formD("M-1", conversation: "C-1"))
            let at = Date(timeIntervalSince1970: 1_800_000_000.123)
            try await store.record(OperatorAction(event: AuditEvent("signed-in"), actor: "lan.nguyen", detail: "signed in as operator", at: at))
            try await store.record(
                OperatorAction(
                    event: AuditEvent("payload-downloaded"), actor: "lan.nguyen", detail: "sha256 …", messageID: stored.id, destination: "nsw"))
            let entries = try await store.auditEntries(messageID: nil)
            #expect(entries.map(\.event.rawValue) == ["accepted", "signed-in", "payload-downloaded"])
            let signIn = entries[1]
            #expect(signIn.messageID == nil && signIn.destination == nil && signIn.actor == "lan.nguyen" && signIn.detail == "signed in as operator")
            #expect(abs(signIn.at.timeIntervalSince(at)) < 0.001)
            #expect(try await store.auditEntries(messageID: stored.id).map(\.event.rawValue) == ["accepted", "payload-downloaded"])
            let report = try await store.verifyAudit()
            #expect(report.isIntact && report.entryCount == 3)
        }
    }

    @Test("The audit chain of a busy history verifies, entry by entry", arguments: StoreKind.allCases)
    func audit(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let empty = try await store.verifyAudit()
            #expect(empty.isIntact && empty.entryCount == 0 && empty.lastSequence == nil)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 { group.addTask { _ = try await store.enqueue(formD("M-\(index)", conversation: "C-\(index)")) } }
                try await group.waitForAll()
            }
            let claimed = try await store.claimNow(limit: 20)
            for delivery in claimed { try await store.finish(delivery, .delivered(receipt: nil)) }
            let report = try await store.verifyAudit()
            #expect(report.isIntact)
            #expect(report.entryCount == 60)
            let entries = try await store.auditEntries(messageID: nil)
            #expect(entries.map(\.sequence) == Array(1...60))
            #expect(zip(entries, entries.dropFirst()).allSatisfy { $0.hash == $1.previousHash })
        }
    }
}

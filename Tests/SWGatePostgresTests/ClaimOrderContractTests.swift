import Foundation
import SWGateStore
import Testing

@Suite("Outbox contract: claim order per conversation and destination")
struct ClaimOrderContractTests {
    @Test("A later message of a conversation waits until the earlier one is delivered; failed blocks too", arguments: StoreKind.allCases)
    func conversationOrder(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.enqueue(formD("I-1", conversation: "C-1"))
            _ = try await store.enqueue(formD("A-1", conversation: "C-1", function: .amend))
            _ = try await store.enqueue(formD("I-2", conversation: "C-2"))
            let first = try await store.claimNow()
            #expect(first.map(\.wireMessageID) == ["I-1", "I-2"])
            #expect(try await store.claimNow().isEmpty)
            try await store.finish(first[0], .failed)
            #expect(try await store.claimNow().isEmpty, "a failed ISSUE still holds its AMEND back")
            let message = try #require(try await store.message(id: "I-1"))
            let replayed = try await store.replay(ReplayRequest(selection: .messages([message.id]), operatorName: "op", dryRun: false))
            #expect(replayed.map(\.to) == [.pending])
            let retried = try await store.claimNow()
            #expect(retried.map(\.wireMessageID) == ["I-1"])
            try await store.finish(retried[0], .delivered(receipt: nil))
            #expect(try await store.claimNow().map(\.wireMessageID) == ["A-1"])
        }
    }

    @Test("Claiming for several destinations in one call: each within its limit, in conversation order", arguments: StoreKind.allCases)
    func severalDestinations(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.enqueue(formD("I-1", conversation: "C-1", destinations: ["nsw", "asw"]))
            _ = try await store.enqueue(formD("A-1", conversation: "C-1", function: .amend, destinations: ["nsw", "asw"]))
            _ = try await store.enqueue(formD("I-2", conversation: "C-2", destinations: ["nsw", "asw"]))
            let outcome = await store.claim(
                [ClaimRequest(destination: "nsw", limit: 1), ClaimRequest(destination: "asw", limit: 10)], owner: "test",
                leaseDuration: .seconds(60), now: Date())
            #expect(outcome.failures.isEmpty)
            #expect(outcome.claimed.filter { $0.destination == "nsw" }.map(\.wireMessageID) == ["I-1"])
            #expect(outcome.claimed.filter { $0.destination == "asw" }.map(\.wireMessageID) == ["I-1", "I-2"])
            #expect(outcome.claimed.allSatisfy { $0.owner == "test" })
            #expect(try await store.claimNow("nsw").map(\.wireMessageID) == ["I-2"])
            #expect(try await store.claimNow("asw").isEmpty, "the AMEND waits for its ISSUE")
        }
    }

    @Test("Order is per destination: a blocked ASW does not hold back the NSW", arguments: StoreKind.allCases)
    func perDestination(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.enqueue(formD("I-1", conversation: "C-1", destinations: ["nsw", "asw"]))
            _ = try await store.enqueue(formD("A-1", conversation: "C-1", function: .amend, destinations: ["nsw", "asw"]))
            let asw = try await store.claimNow("asw")
            #expect(asw.map(\.wireMessageID) == ["I-1"])
            let nsw = try await store.claimNow("nsw")
            try await store.finish(nsw[0], .delivered(receipt: nil))
            #expect(try await store.claimNow("nsw").map(\.wireMessageID) == ["A-1"])
            #expect(try await store.claimNow("asw").isEmpty)
        }
    }

    @Test("A chain of replacements is one conversation, whichever link the newest names", arguments: StoreKind.allCases)
    func chains(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.enqueue(formD("I", conversation: "X", link: .document(reference: "X", replaces: nil)))
            _ = try await store.enqueue(formD("A", conversation: "X-A1", function: .amend, link: .document(reference: "X-A1", replaces: "X")))
            _ = try await store.enqueue(formD("C", conversation: "X-C", function: .cancel, link: .document(reference: "X-C", replaces: "X-A1")))
            _ = try await store.enqueue(formD("ans", conversation: "X-C", function: .ack, link: .answer(about: "X-C")))
            let all = try await store.deliveries(matching: DeliveryFilter())
            #expect(all.map(\.conversation) == ["X", "X", "X", "X"])
            for expected in ["I", "A", "C", "ans"] {
                let claimed = try await store.claimNow()
                #expect(claimed.map(\.wireMessageID) == [expected])
                try await store.finish(claimed[0], .delivered(receipt: nil))
            }
        }
    }

    @Test("An amendment of an unknown predecessor is refused and nothing is stored; an answer keeps its conversation", arguments: StoreKind.allCases)
    func unknownPredecessor(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let code = await outboxErrorCode {
                _ = try await store.enqueue(formD("A", conversation: "Y-A1", function: .amend, link: .document(reference: "Y-A1", replaces: "Y")))
            }
            #expect(code == .unknownPredecessor)
            #expect(try await store.stats().messageCount == 0)
            let answer = try await store.enqueue(formD("ans", conversation: "Z", function: .ack, link: .answer(about: "Z")))
            #expect(try await store.message(id: answer.id)?.conversation == "Z")
        }
    }
}

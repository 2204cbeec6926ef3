import Foundation
import SWGateStore
import Testing

/// A link in a chain of replacements: `reference` replacing `predecessor`.
private func link(_ wireID: String, reference: String, replaces predecessor: String?, function: MessageFunction) -> NewMessage {
    var message = formD(wireID, conversation: predecessor ?? reference, function: function)
    message.link = .document(reference: reference, replaces: predecessor)
    return message
}

@Suite("Conversations: the whole chain of replacements back to the first issue")
struct ConversationChainTests {
    @Test("ISSUE X ← AMEND X-A1 ← CANCEL X-C are one conversation: the CANCEL waits for the AMEND, which waits for the ISSUE")
    func chainIsOneConversation() async throws {
        try await withStore { store, _ in
            let issue = try await store.enqueue(link("I", reference: "X", replaces: nil, function: .issue))
            let amend = try await store.enqueue(link("A1", reference: "X-A1", replaces: "X", function: .amend))
            let cancel = try await store.enqueue(link("C", reference: "X-C", replaces: "X-A1", function: .cancel))
            for id in [issue.id, amend.id, cancel.id] {
                #expect(try await store.message(id: id)?.conversation == "X")
            }
            // Only the ISSUE may go; the CANCEL (which names X-A1, not X) is held like the AMEND.
            var claimed = try await store.claimNow()
            #expect(claimed.map(\.messageID) == [issue.id])
            try await store.finish(claimed[0], .retry(at: Date()))
            claimed = try await store.claimNow(at: Date().addingTimeInterval(1))
            #expect(claimed.map(\.messageID) == [issue.id], "a retried ISSUE still holds its successors")
            try await store.finish(claimed[0], .delivered(receipt: nil))
            claimed = try await store.claimNow()
            #expect(claimed.map(\.messageID) == [amend.id])
            try await store.finish(claimed[0], .delivered(receipt: nil))
            #expect(try await store.claimNow().map(\.messageID) == [cancel.id])
        }
    }

    @Test("A replacement naming a reference the store never accepted is refused and changes nothing")
    func unknownPredecessorRefused() async throws {
        try await withStore { store, _ in
            await #expect {
                _ = try await store.enqueue(link("A1", reference: "Y-A1", replaces: "Y", function: .amend))
            } throws: { ($0 as? OutboxError)?.code == .unknownPredecessor }
            #expect(try await store.stats().messageCount == 0)
            #expect(try await store.messagePage(MessagePageQuery()).items.isEmpty)
            // Once the predecessor is there, the same amendment is taken.
            _ = try await store.enqueue(link("I", reference: "Y", replaces: nil, function: .issue))
            let amend = try await store.enqueue(link("A1", reference: "Y-A1", replaces: "Y", function: .amend))
            #expect(try await store.message(id: amend.id)?.conversation == "Y")
        }
    }

    @Test("The chain survives a purge of its delivered messages: a later amendment still joins conversation X")
    func chainSurvivesPurge() async throws {
        try await withStore { store, _ in
            _ = try await store.enqueue(link("I", reference: "X", replaces: nil, function: .issue))
            _ = try await store.enqueue(link("A1", reference: "X-A1", replaces: "X", function: .amend))
            for _ in 0..<2 {
                try await store.finish(try #require(try await store.claimNow().first), .delivered(receipt: nil))
            }
            let purged = try await store.purgeDelivered(before: Date().addingTimeInterval(60), actor: "ops", dryRun: false)
            #expect(purged.messageIDs.count == 2)
            let amend2 = try await store.enqueue(link("A2", reference: "X-A2", replaces: "X-A1", function: .amend))
            #expect(try await store.message(id: amend2.id)?.conversation == "X")
        }
    }

    @Test("A partner's answer about a known reference joins its conversation; about an unknown one it keeps its own")
    func answersJoinKnownConversations() async throws {
        try await withStore { store, _ in
            _ = try await store.enqueue(link("I", reference: "X", replaces: nil, function: .issue))
            _ = try await store.enqueue(link("A1", reference: "X-A1", replaces: "X", function: .amend))
            var answer = formD("S1", conversation: "X-A1", function: .status, destinations: ["portal"])
            answer.link = .answer(about: "X-A1")
            let known = try await store.enqueue(answer)
            #expect(try await store.message(id: known.id)?.conversation == "X")
            var stray = formD("S2", conversation: "Z-9", function: .status, destinations: ["portal"])
            stray.link = .answer(about: "Z-9")
            let unknown = try await store.enqueue(stray)
            #expect(try await store.message(id: unknown.id)?.conversation == "Z-9")
        }
    }
}

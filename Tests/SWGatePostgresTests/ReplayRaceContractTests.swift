import Foundation
import SWGateStore
import Testing

@Suite("Outbox contract: two replays of the same delivery at once")
struct ReplayRaceContractTests {
    @Test(
        "Two instances confirming the same replay together: one replays the delivery, the other reports it left alone; one audit entry",
        arguments: StoreKind.allCases)
    func concurrentConfirms(kind: StoreKind) async throws {
        try await withTwoInstances(kind) { a, b in
            // Several rounds, so that the two transactions overlap in at least some of them.
            for round in 0..<12 {
                let stored = try await a.enqueue(formD("M-\(round)", conversation: "C-\(round)"))
                let claimed = try #require(try await a.claimNow().first)
                try await a.finish(claimed, .dead)
                let request = ReplayRequest(selection: .messages([stored.id]), operatorName: "op-\(round)", dryRun: false)
                async let first = a.replay(request)
                async let second = b.replay(request)
                let counts = try await [first, second].map { changes in changes.filter { $0.to != nil }.count }
                #expect(counts.sorted() == [0, 1], "round \(round): replayed \(counts)")
                let entries = try await a.auditEntries(messageID: stored.id).filter { $0.event == .replayed }
                #expect(entries.map(\.actor) == ["op-\(round)"], "round \(round)")
                #expect(try await a.message(id: stored.id)?.deliveries.map(\.state) == [.pending])
                // Leave nothing claimable for the next round.
                let again = try await a.claimNow()
                for delivery in again { try await a.finish(delivery, .delivered(receipt: nil)) }
            }
            #expect(try await b.verifyAudit().isIntact)
        }
    }
}

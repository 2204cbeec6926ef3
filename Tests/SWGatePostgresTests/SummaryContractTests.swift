import Foundation
import SWGateStore
import Testing

@Suite("Outbox contract: the summary stored at intake")
struct SummaryContractTests {
    /// A summary as intake stores it (sorted-key JSON), with non-ASCII text, and bytes no text
    /// encoding would keep: the store treats it as opaque.
    static func summary(_ reference: String) -> Data {
        Data(
            #"{"documentType":"ATIGA-FORM-D","function":"ISSUE","issueDate":"2026-03-12","issuingCountry":"VN","reference":"\#(reference)","replaces":"Cà Mau"}"#
                .utf8)
            + Data([0x00, 0xFF, 0xFE, 0x0A])
    }

    static func message(_ wireID: String, summary: Data?) -> NewMessage {
        var message = formD(wireID, conversation: "C-\(wireID)", destinations: ["nsw", "asw"])
        message.summary = summary
        return message
    }

    @Test("Every claimed delivery carries its message's summary byte for byte; a message stored without one has none", arguments: StoreKind.allCases)
    func claimedWithItsSummary(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.enqueue(Self.message("S-1", summary: Self.summary("VN-TH 26/03/000123")))
            _ = try await store.enqueue(Self.message("S-0", summary: nil))
            _ = try await store.enqueue(
                Self.message("S-K", summary: Self.summary("VN-TH 26/03/000124")), rememberingSubmission: .submission(client: "portal", key: "K-S"))
            // Enqueued together, so that a store that commits concurrent messages in one batch does so.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 2...9 {
                    group.addTask { _ = try await store.enqueue(Self.message("S-\(index)", summary: Self.summary("REF-\(index)"))) }
                }
                try await group.waitForAll()
            }
            var expected: [String: Data?] = ["S-0": nil, "S-1": Self.summary("VN-TH 26/03/000123"), "S-K": Self.summary("VN-TH 26/03/000124")]
            for index in 2...9 { expected["S-\(index)"] = Self.summary("REF-\(index)") }
            for destination in ["nsw", "asw"] {
                let claimed = try await store.claimNow(destination, limit: 20)
                #expect(Set(claimed.map(\.wireMessageID)) == Set(expected.keys), "\(destination)")
                for delivery in claimed {
                    let stored = try #require(expected[delivery.wireMessageID])
                    #expect(delivery.summary == stored, "\(delivery.wireMessageID) to \(destination)")
                }
            }
        }
    }
}

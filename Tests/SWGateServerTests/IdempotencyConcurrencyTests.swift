import NIOHTTP1
import SWGateStore
import Foundation
import SWGateStore
import Testing

@Suite("Idempotency-Key under concurrent clients", .serialized)
struct IdempotencyConcurrencyTests {
    @Test("32 clients, one key, 32 different certificates at once: exactly one 202 and one stored message, every other one 409")
    func differentContent() async throws {
        let harness = try await PortalHarness.start()
        let results = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
            for n in 0..<32 {
                let body = try FormDSamples.withReference("VN-TH 26/03/0007\(String(format: "%02d", n))")
                group.addTask { try await harness.client.submit(body, key: "shared-key") }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let accepted = results.filter { $0.status == 202 }
        #expect(accepted.count == 1, "\(results.map(\.status))")
        #expect(results.filter { $0.status == 409 }.count == 31)
        for refused in results where refused.status == 409 {
            #expect(refused.json["type"] as? String == "urn:swgate:problem:idempotency-conflict")
        }
        let page = try await harness.store.messagePage(MessagePageQuery(limit: 100))
        #expect(page.items.count == 1)
        #expect(page.items.first?.id == accepted.first?.json["id"] as? String)
        await harness.stop()
    }

    @Test("32 clients, one key, the same certificate at once: one message stored, every client told its id")
    func sameContent() async throws {
        let harness = try await PortalHarness.start()
        let body = try FormDSamples.withReference("VN-TH 26/03/000800")
        let results = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
            for _ in 0..<32 { group.addTask { try await harness.client.submit(body, key: "same-key") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0.status == 202 }, "\(results.map(\.status))")
        #expect(Set(results.compactMap { $0.json["id"] as? String }).count == 1)
        #expect(try await harness.store.messagePage(MessagePageQuery(limit: 100)).items.count == 1)
        await harness.stop()
    }

    @Test("Mixed: 16 clients send certificate A and 16 certificate B under one key: one wins; its twins get its answer, the others 409")
    func mixedContent() async throws {
        let harness = try await PortalHarness.start()
        let a = try FormDSamples.withReference("VN-TH 26/03/000901")
        let b = try FormDSamples.withReference("VN-TH 26/03/000902")
        let results = try await withThrowingTaskGroup(of: (Bool, HTTPResult).self) { group in
            for n in 0..<32 {
                let isA = n % 2 == 0
                group.addTask { (isA, try await harness.client.submit(isA ? a : b, key: "mixed-key")) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let page = try await harness.store.messagePage(MessagePageQuery(limit: 100))
        #expect(page.items.count == 1)
        let winnerID = try #require(page.items.first?.id)
        let winnerIsA = results.contains { $0.0 && $0.1.json["id"] as? String == winnerID }
        for (isA, result) in results {
            if isA == winnerIsA {
                #expect(result.status == 202 && result.json["id"] as? String == winnerID)
            } else {
                #expect(result.status == 409)
            }
        }
        await harness.stop()
    }
}

import Foundation
import NIOHTTP1
import SWGateDomain
import SWGateServer
import SWGateStore
import Testing

@Suite("Portal API: GET /v1/messages")
struct PortalQueryTests {
    @Test("GET /v1/messages/{id}: status, per-destination state, attempts timeline, receipts; 404 unknown; 401 without token")
    func show() async throws {
        let harness = try await PortalHarness.start()
        let accepted = try await harness.client.submit(try FormDSamples.valid)
        let id = try #require(accepted.json["id"] as? String)
        // Deliver to nsw with a receipt, fail asw once, as the engine would.
        let claimed = try await harness.store.claim(destination: "nsw", limit: 1, owner: "t", leaseDuration: .seconds(60), now: Date())
        let nsw = try #require(claimed.first)
        _ = try await harness.store.complete(
            DeliveryCompletion(
                deliveryID: nsw.deliveryID, owner: "t", startedAt: Date(), duration: .milliseconds(12), outcome: .delivered, httpStatus: 200,
                transition: .delivered(receipt: Receipt(contentType: "application/xml", body: Data("<Ack/>".utf8)))))
        let result = try await harness.client.get("/v1/messages/\(id)")
        #expect(result.status == 200)
        let json = result.json
        #expect(json["id"] as? String == id)
        #expect(json["messageId"] as? String == accepted.json["messageId"] as? String)
        #expect(json["status"] as? String == "pending")
        let destinations = try #require(json["destinations"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: destinations.map { ($0["destination"] as? String ?? "", $0) })
        #expect(byName["nsw"]?["state"] as? String == "delivered")
        #expect(byName["asw"]?["state"] as? String == "pending")
        let timeline = try #require(byName["nsw"]?["timeline"] as? [[String: Any]])
        #expect(timeline.count == 1)
        #expect(timeline.first?["outcome"] as? String == "delivered")
        let receipts = try #require(byName["nsw"]?["receipts"] as? [[String: Any]])
        #expect(receipts.first?["body"] as? String == "<Ack/>")
        #expect(try await harness.client.get("/v1/messages/no-such-id").status == 404)
        #expect(try await harness.client.send(.GET, "/v1/messages/\(id)").status == 401)
        await harness.stop()
    }

    @Test("GET /v1/messages pages with an opaque cursor and filters by status and destination")
    func listing() async throws {
        let harness = try await PortalHarness.start()
        var ids: [String] = []
        for n in 0..<5 {
            let result = try await harness.client.submit(try FormDSamples.withReference("VN-TH 26/03/00020\(n)"))
            ids.append(try #require(result.json["id"] as? String))
        }
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let path = "/v1/messages?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
            let page = try await harness.client.get(path)
            #expect(page.status == 200)
            let items = try #require(page.json["items"] as? [[String: Any]])
            #expect(items.count <= 2)
            seen += items.compactMap { $0["id"] as? String }
            cursor = page.json["nextCursor"] as? String
            pages += 1
        } while cursor != nil && pages < 10
        #expect(seen == ids)
        #expect(pages == 3)
        let pending = try await harness.client.get("/v1/messages?status=pending&destination=nsw&since=1h")
        #expect((pending.json["items"] as? [[String: Any]])?.count == 5)
        let delivered = try await harness.client.get("/v1/messages?status=delivered")
        #expect((delivered.json["items"] as? [[String: Any]])?.isEmpty == true)
        let future = try await harness.client.get("/v1/messages?since=2999-01-01T00:00:00Z")
        #expect((future.json["items"] as? [[String: Any]])?.isEmpty == true)
        for bad in ["status=lost", "limit=0", "limit=abc", "cursor=zzz", "since=yesterday"] {
            let result = try await harness.client.get("/v1/messages?\(bad)")
            #expect(result.status == 400, "\(bad)")
            #expect(result.headers["content-type"] == "application/problem+json")
        }
        await harness.stop()
    }
}

import Foundation
import SWGateDelivery
import SWGateStore
import SWGateTesting
import Testing

@testable import SWGateChannels
@testable import SWGateNSW
@testable import SWGateAS4

@Suite("Inbound endpoints when the store cannot take a message")
struct StoreTroubleTests {
    @Test("/nsw answers 503 with a soap:Server fault and /as4 503 with an ebMS warning")
    func storeClosed() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        try store.close()
        let (nswBase, nswTask) = try await ChannelTest.host(
            NSWEndpoint(security: ChannelTest.gateway, store: store, validator: ChannelTest.validator), prefix: "/nsw")
        defer { nswTask.cancel() }
        let (as4Base, as4Task) = try await ChannelTest.host(
            AS4Endpoint(security: ChannelTest.gateway, store: store, validator: ChannelTest.validator), prefix: "/as4")
        defer { as4Task.cancel() }

        let nsw = try await ChannelTest.post(nswBase + "/nsw", try NSWEndpointTests.request(messageId: "trouble-1"), contentType: "text/xml")
        #expect(nsw.0 == 503)
        #expect(NSWEndpointTests.fault(nsw.2)?.0 == "Server", "\(ChannelTest.text(nsw.2))")

        let as4 = try await ChannelTest.post(
            as4Base + "/as4", try AS4EndpointTests.userMessage(messageId: "trouble-2@th"), contentType: "application/soap+xml")
        #expect(as4.0 == 503)
        let errors = AS4EndpointTests.errors(as4.2)
        #expect(errors.map(\.code) == ["EBMS:0004"], "\(ChannelTest.text(as4.2))")
        #expect(errors.first?.severity == "warning")
    }
}

import Foundation
import SWGateDomain
import SWGateSecurity
import SWGateStore
import SWGateTesting
import SWGateXML
import Testing

@testable import SWGateAS4
@testable import SWGateChannels
@testable import SWGateNSW

@Suite("AS4 PartProperties: sent as the eDelivery profile expects, not required on input")
struct AS4PartPropertiesTests {
    /// `name → value` of the `eb:PartProperties` of the message's one `eb:PartInfo`.
    static func partProperties(_ message: [UInt8]) throws -> [String: String] {
        let root = try XMLDocument(bytes: message).root
        let partInfo = try #require(AS4Signals.messaging(root)?.child("UserMessage")?.child("PayloadInfo")?.child("PartInfo"))
        var properties: [String: String] = [:]
        for property in partInfo.child("PartProperties")?.children("Property") ?? [] {
            properties[property.attribute("name") ?? ""] = property.text
        }
        return properties
    }

    @Test("A delivered user message names its payload's MimeType and CharacterSet, and is valid against the AS4 schema")
    func sent() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let simulator = ASWSimulator(security: ChannelTest.asw)
        let (url, task) = try await ChannelTest.host(simulator)
        defer { task.cancel() }
        let delivery = try await ChannelTest.enqueueAndClaim(store, destination: "asw", wireID: "as4-parts-1")
        let channel = AS4DeliveryChannel(
            url: url + "/as4", security: ChannelTest.gateway, profiles: ChannelTest.validator.profiles, partner: "TH",
            httpClient: ChannelTest.partnerClient,
            timeout: .seconds(20))
        #expect(await channel.deliver(delivery).receipt != nil)
        let sent = try #require(await simulator.state.lastRequestBody)
        #expect(try Self.partProperties(sent) == ["MimeType": "application/xml", "CharacterSet": "utf-8"])
        #expect(ChannelTest.validator.schemas.as4Message.validate(try XMLDocument(bytes: sent)).isEmpty)
    }

    @Test("A user message without PartProperties, as older AS4 stacks send, is still accepted with a receipt")
    func acceptedWithout() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let (url, task) = try await AS4EndpointTests.start(store)
        defer { task.cancel() }
        let document = try ChannelTest.formD()
        var summary = try SecurityServices.formDSummary(document)
        summary.issuingCountry = "TH"
        summary.importingCountry = "VN"
        let built = AS4MessageBuilder().userMessage(
            document: document, summary: summary, codes: SecurityServices.formDProfile.as4!, certificate: ChannelTest.asw.systemIdentity.certificate,
            messageId: "as4-bare-1@th")
        let bare = built.replacingOccurrences(of: #"<eb:PartProperties>.*</eb:PartProperties>"#, with: "", options: .regularExpression)
        #expect(bare != built)
        let message = try ChannelTest.asw.signAS4Message(Array(bare.utf8))
        #expect(try Self.partProperties(message).isEmpty)
        let (status, _, answer) = try await ChannelTest.post(url, message, contentType: "application/soap+xml; charset=utf-8")
        #expect(status == 200, "\(ChannelTest.text(answer))")
        #expect(try ChannelTest.asw.verifyAS4Message(answer, partner: "VN").refToMessageId == "as4-bare-1@th")
    }
}

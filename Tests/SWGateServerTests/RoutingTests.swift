import SWGateServer
import Testing

@Suite("Routing rules")
struct RoutingTests {
    let formD = RoutingTable.formD

    @Test("Defaults: portal Form D fans out to nsw and asw; answers from nsw and asw go to the portal; unknown sources match nothing")
    func defaults() {
        let table = RoutingTable()
        #expect(table.destinations(for: RoutingKey(source: "portal", documentType: formD, function: "ISSUE", importingCountry: "TH")) == ["nsw", "asw"])
        #expect(table.destinations(for: RoutingKey(source: "portal", documentType: formD, function: "CANCEL")) == ["nsw", "asw"])
        #expect(table.destinations(for: RoutingKey(source: "nsw", documentType: "ACK", function: "ACK")) == ["portal"])
        #expect(table.destinations(for: RoutingKey(source: "asw", documentType: formD, function: "ISSUE")) == ["portal"])
        #expect(table.destinations(for: RoutingKey(source: "portal", documentType: "OTHER", function: "ISSUE")) == nil)
        #expect(table.destinations(for: RoutingKey(source: "mars", documentType: formD, function: "ISSUE")) == nil)
    }

    @Test("First match wins; every condition must hold")
    func firstMatch() {
        let table = RoutingTable(rules: [
            RoutingRule(source: "portal", function: "CANCEL", importingCountry: "SG", destinations: ["nsw"]),
            RoutingRule(source: "portal", importingCountry: "SG", destinations: ["asw"]),
            RoutingRule(source: "portal", destinations: ["nsw", "asw"]),
        ])
        #expect(table.destinations(for: RoutingKey(source: "portal", documentType: formD, function: "CANCEL", importingCountry: "SG")) == ["nsw"])
        #expect(table.destinations(for: RoutingKey(source: "portal", documentType: formD, function: "ISSUE", importingCountry: "SG")) == ["asw"])
        #expect(table.destinations(for: RoutingKey(source: "portal", documentType: formD, function: "CANCEL", importingCountry: "TH")) == ["nsw", "asw"])
        #expect(table.destinations(for: RoutingKey(source: "portal", documentType: formD, function: "ISSUE")) == ["nsw", "asw"])
    }
}

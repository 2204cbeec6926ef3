/// Ordered routing rules: the first that matches a message decides its destinations.
public struct RoutingTable: Sendable, Hashable {
    /// The document type of an ATIGA Form D.
    public static let formD = "ATIGA-FORM-D"

    /// The defaults (SPEC 1, 3.1): a Form D from the portal fans out to the NSW and the ASW; whatever
    /// comes back from the NSW or the ASW (acknowledgements, decisions, Form Ds for imports) goes to
    /// the portal's callback.
    public static let defaultRules: [RoutingRule] = [
        RoutingRule(source: "portal", documentType: formD, destinations: ["nsw", "asw"]),
        RoutingRule(source: "nsw", destinations: ["portal"]),
        RoutingRule(source: "asw", destinations: ["portal"]),
    ]

    public var rules: [RoutingRule]

    public init(rules: [RoutingRule] = RoutingTable.defaultRules) {
        self.rules = rules
    }

    /// The destinations of the first matching rule; nil when no rule matches (the message is refused).
    public func destinations(for key: RoutingKey) -> [String]? {
        rules.first { $0.matches(key) }?.destinations
    }
}

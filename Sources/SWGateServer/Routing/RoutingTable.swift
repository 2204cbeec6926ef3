public import SWGateDomain

/// Ordered routing rules: the first that matches a message decides its destinations.
public struct RoutingTable: Sendable, Hashable {
    /// The document type of an ATIGA Form D.
    public static let formD = DocumentProfile.formDType

    /// The defaults (docs/configuration.md): a Form D from the portal fans out to the NSW and the
    /// ASW, a licence goes to the NSW only; whatever comes from the NSW or the ASW
    /// (acknowledgements, decisions, documents for imports) goes to the portal's callback.
    public static let defaultRules: [RoutingRule] = [
        RoutingRule(source: "portal", documentType: formD, destinations: ["nsw", "asw"]),
        RoutingRule(source: "portal", documentType: DocumentProfile.licenceType, destinations: ["nsw"]),
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

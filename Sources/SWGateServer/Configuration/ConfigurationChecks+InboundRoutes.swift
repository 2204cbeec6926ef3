extension ConfigurationChecks {
    /// The sources of messages that partners post to the gateway: `nsw` on `/nsw`, `asw` on `/as4`.
    static let inboundSources = ["nsw", "asw"]

    /// An inbound message is stored as it arrived (the partner's signed NSW envelope or AS4 message)
    /// and the `nsw` and `as4` channels send such a payload unchanged: routed to a destination of
    /// those kinds, a partner's message would be relayed raw to a partner. Refuses every rule an
    /// inbound message can reach that names a destination of a kind other than `http`.
    ///
    /// A rule can be reached from source `nsw` (or `asw`) when its source is that one or none, it
    /// sets no importing country (inbound messages are routed without one), and no earlier rule
    /// takes every message of that source (same source or none, no other condition).
    static func checkInboundRoutes(_ c: GatewayConfiguration) throws(ConfigurationError) {
        for source in inboundSources {
            for (index, rule) in c.routes.enumerated() where rule.source == nil || rule.source == source {
                guard rule.importingCountry == nil else { continue }
                for name in rule.destinations {
                    guard let kind = c.destinations[name]?.kind, kind != .http else { continue }
                    throw ConfigurationError(
                        location: "configuration", keyPath: "routes[\(index)].destinations",
                        message: "\"\(name)\" is a destination of kind \(kind.rawValue), but this rule routes messages from \(source): "
                            + "an inbound message is relayed as the partner sent it, so it may go to http destinations only "
                            + "(give the rule `source: portal` if it is meant for the portal's submissions)")
                }
                if rule.documentType == nil, rule.function == nil { break }
            }
        }
    }
}

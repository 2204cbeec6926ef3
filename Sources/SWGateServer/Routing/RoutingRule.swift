/// One routing rule: which messages it matches (nil matches anything) and where they go.
public struct RoutingRule: Sendable, Hashable {
    /// The party the message came from: `portal`, `nsw`, `asw`.
    public var source: String?
    /// The business document type, e.g. `ATIGA-FORM-D`.
    public var documentType: String?
    /// `ISSUE`, `AMEND`, `CANCEL`, `ACK`, `REJECT`, `STATUS`.
    public var function: String?
    /// ISO 3166-1 alpha-2 code of the importing member state.
    public var importingCountry: String?
    /// Destination names, in the order their deliveries are created.
    public var destinations: [String]

    public init(source: String? = nil, documentType: String? = nil, function: String? = nil, importingCountry: String? = nil, destinations: [String]) {
        self.source = source
        self.documentType = documentType
        self.function = function
        self.importingCountry = importingCountry
        self.destinations = destinations
    }

    /// True when every condition of the rule holds for `key`.
    public func matches(_ key: RoutingKey) -> Bool {
        (source == nil || source == key.source) && (documentType == nil || documentType == key.documentType)
            && (function == nil || function == key.function) && (importingCountry == nil || importingCountry == key.importingCountry)
    }
}

/// What routing looks at in a message.
public struct RoutingKey: Sendable, Hashable {
    public var source: String
    public var documentType: String
    public var function: String
    public var importingCountry: String?

    public init(source: String, documentType: String, function: String, importingCountry: String? = nil) {
        self.source = source
        self.documentType = documentType
        self.function = function
        self.importingCountry = importingCountry
    }
}

import SWGateStore
/// `SWGATE_…` variables that override the file. Each names one key; see `docs/configuration.md`.
struct EnvironmentOverrides {
    var environment: [String: String]

    func apply(to configuration: inout GatewayConfiguration) throws(ConfigurationError) {
        if let value = environment["SWGATE_LISTEN_HOST"] { configuration.listen.host = value }
        if let value = try integer("SWGATE_LISTEN_PORT") { configuration.listen.port = value }
        if let value = try integer("SWGATE_MAX_BODY_BYTES") { configuration.listen.maxBodyBytes = value }
        if let value = environment["SWGATE_TLS_CERTIFICATE"] { configuration.listen.tlsCertificate = value }
        if let value = environment["SWGATE_TLS_KEY"] { configuration.listen.tlsKey = value }
        if let value = environment["SWGATE_TLS_CLIENT_CA"] { configuration.listen.tlsClientCA = value }
        if let value = environment["SWGATE_STORE"] { configuration.storePath = value }
        if let value = environment["SWGATE_STORE_KIND"] {
            guard let kind = GatewayConfiguration.Store.Kind(rawValue: value) else {
                throw ConfigurationError(location: "SWGATE_STORE_KIND", keyPath: "", message: "must be sqlite or postgres, got \"\(value)\"")
            }
            configuration.store.kind = kind
        }
        if let value = environment["SWGATE_STORE_URL"] { configuration.store.url = value }
        if let value = try integer("SWGATE_STORE_POOL") { configuration.store.pool = value }
        if let value = environment["SWGATE_CERTIFICATES"] { configuration.certificatesDirectory = value }
        if let value = environment["SWGATE_DELIVERY_OWNER"] { configuration.delivery.owner = value }
        if let value = environment["SWGATE_LOG_LEVEL"] { configuration.logLevel = value }
        if let value = environment["SWGATE_LOG_FORMAT"] {
            guard let format = GatewayConfiguration.LogFormat(rawValue: value) else {
                throw ConfigurationError(location: "SWGATE_LOG_FORMAT", keyPath: "", message: "must be text or json, got \"\(value)\"")
            }
            configuration.logFormat = format
        }
        if let value = environment["SWGATE_CERTIFICATE_EXPIRY_WARNING"] {
            guard let seconds = try? HumanDuration.seconds(value), (86_400...(365 * 86_400)).contains(seconds) else {
                throw ConfigurationError(
                    location: "SWGATE_CERTIFICATE_EXPIRY_WARNING", keyPath: "", message: "expected a duration of 1d…365d such as 30d, got \"\(value)\"")
            }
            configuration.certificateExpiryWarning = .seconds(seconds)
        }
        // SWGATE_<NAME>_URL for every configured destination (SWGATE_NSW_URL, SWGATE_ASW_URL, SWGATE_PORTAL_URL, …).
        for name in configuration.destinations.keys {
            let variable = "SWGATE_" + name.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined() + "_URL"
            if let url = environment[variable] { configuration.destinations[name]?.url = url }
        }
    }

    private func integer(_ name: String) throws(ConfigurationError) -> Int? {
        guard let text = environment[name] else { return nil }
        guard let value = Int(text) else {
            throw ConfigurationError(location: name, keyPath: "", message: "expected an integer, got \"\(text)\"")
        }
        return value
    }
}

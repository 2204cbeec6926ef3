import Yams

/// Applies a YAML configuration file onto a ``GatewayConfiguration``. Walks the node tree itself
/// (rather than `Decodable`) so that every error names file:line:column and the key path.
struct YAMLConfigurationReader {
    var file: String
    /// Deprecation warnings and the duration keys seen, filled in while reading.
    let log = ConfigurationReadLog()

    func apply(_ text: String, to c: inout GatewayConfiguration) throws(ConfigurationError) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigurationError(location: file + Self.position(of: error), keyPath: "", message: "not valid YAML: " + Self.problem(of: error))
        } catch {
            throw ConfigurationError(location: file, keyPath: "", message: "not valid YAML: \(error)")
        }
        guard let root else { return }
        let top = try mapping(root, "")
        for (key, value) in top {
            switch key.text {
            case "listen":
                for (k, v) in try mapping(value, "listen") {
                    switch k.text {
                    case "host": c.listen.host = try string(v, "listen.host")
                    case "port": c.listen.port = try integer(v, "listen.port", 0...65535)
                    case "max_body_bytes": c.listen.maxBodyBytes = try integer(v, "listen.max_body_bytes", 1024...(1 << 30))
                    case "max_in_flight": c.listen.maxInFlight = try integer(v, "listen.max_in_flight", 1...100_000)
                    case "tls_certificate": c.listen.tlsCertificate = try string(v, "listen.tls_certificate")
                    case "tls_key": c.listen.tlsKey = try string(v, "listen.tls_key")
                    case "tls_client_ca": c.listen.tlsClientCA = try string(v, "listen.tls_client_ca")
                    case "xml": c.listen.xmlLimits = try xmlLimits(v, "listen.xml", base: c.listen.xmlLimits)
                    default: throw unknown(k, "listen")
                    }
                }
            case "store":
                for (k, v) in try mapping(value, "store") {
                    switch k.text {
                    case "path": c.storePath = try string(v, "store.path")
                    case "kind":
                        let text = try string(v, "store.kind")
                        guard let kind = GatewayConfiguration.Store.Kind(rawValue: text) else {
                            throw error(v, "store.kind", "must be sqlite or postgres, got \"\(text)\"")
                        }
                        c.store.kind = kind
                    case "url": c.store.url = try string(v, "store.url")
                    case "pool": c.store.pool = try integer(v, "store.pool", 1...1000)
                    case "password_env": c.store.passwordEnvironment = try string(v, "store.password_env")
                    default: throw unknown(k, "store")
                    }
                }
            case "certificates":
                for (k, v) in try mapping(value, "certificates") {
                    switch k.text {
                    case "directory": c.certificatesDirectory = try string(v, "certificates.directory")
                    case "expiry_warning", "expiry_warning_days":
                        c.certificateExpiryWarning = try duration(k, v, .expiryWarning, in: "certificates")
                    default: throw unknown(k, "certificates")
                    }
                }
            case "destinations":
                for (k, v) in try mapping(value, "destinations") {
                    c.destinations[k.text] = try destination(v, k.text, base: c.destinations[k.text])
                }
            case "delivery": try applyDelivery(value, to: &c.delivery)
            case "security": c.security = try security(value)
            case "portal":
                for (k, v) in try mapping(value, "portal") {
                    guard k.text == "clients" else { throw unknown(k, "portal") }
                    c.clients = try sequence(v, "portal.clients").enumerated().map { index, node throws(ConfigurationError) in
                        try client(node, "portal.clients[\(index)]")
                    }
                }
            case "routes":
                c.routes = try sequence(value, "routes").enumerated().map { index, node throws(ConfigurationError) in
                    try rule(node, "routes[\(index)]")
                }
            case "shutdown_grace", "shutdown_grace_seconds": c.shutdownGrace = try duration(key, value, .shutdownGrace, in: "")
            case "log_level": c.logLevel = try string(value, key.text)
            case "console": c.console = try console(value, base: c.console)
            case "log":
                for (k, v) in try mapping(value, "log") {
                    switch k.text {
                    case "format":
                        let text = try string(v, "log.format")
                        guard let format = GatewayConfiguration.LogFormat(rawValue: text) else {
                            throw error(v, "log.format", "must be text or json, got \"\(text)\"")
                        }
                        c.logFormat = format
                    case "level": c.logLevel = try string(v, "log.level")
                    default: throw unknown(k, "log")
                    }
                }
            case "answers_to":
                let name = try string(value, key.text)
                c.answersDestination = name.isEmpty || name == "none" ? nil : name
            default: throw unknown(key, "")
            }
        }
    }

    private func applyDelivery(_ node: Node, to d: inout GatewayConfiguration.Delivery) throws(ConfigurationError) {
        for (k, v) in try mapping(node, "delivery") {
            let path = "delivery." + k.text
            switch k.text {
            case "owner": d.owner = try string(v, path)
            case "max_attempts": d.maxAttempts = try integer(v, path, 1...1000)
            case "max_age", "max_age_seconds": d.maxAge = try duration(k, v, .maxAge, in: "delivery")
            case "initial_backoff", "initial_backoff_ms": d.initialBackoff = try duration(k, v, .initialBackoff, in: "delivery")
            case "max_backoff", "max_backoff_seconds": d.maxBackoff = try duration(k, v, .maxBackoff, in: "delivery")
            case "claim_batch": d.claimBatch = try integer(v, path, 1...512)
            case "lease", "lease_seconds": d.lease = try duration(k, v, .lease, in: "delivery")
            case "lease_reap_interval", "lease_reap_seconds": d.leaseReapInterval = try duration(k, v, .leaseReapInterval, in: "delivery")
            default: throw unknown(k, "delivery")
            }
        }
    }

    private func destination(_ node: Node, _ name: String, base: GatewayConfiguration.Destination?) throws(ConfigurationError)
        -> GatewayConfiguration.Destination
    {
        let prefix = "destinations." + name
        var d = base ?? GatewayConfiguration.Destination(kind: .http, url: "")
        var kind = base?.kind
        for (k, v) in try mapping(node, prefix) {
            let path = prefix + "." + k.text
            switch k.text {
            case "kind":
                let text = try string(v, path)
                guard let value = DestinationKind(rawValue: text) else {
                    throw error(v, path, "must be one of \(DestinationKind.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(text)\"")
                }
                kind = value
            case "url": d.url = try string(v, path)
            case "partner": d.partner = try string(v, path)
            case "concurrency": d.concurrency = try integer(v, path, 1...1024)
            case "timeout", "timeout_seconds": d.timeout = try duration(k, v, .timeout, in: prefix)
            case "circuit_failure_threshold": d.circuitFailureThreshold = try integer(v, path, 1...10_000)
            case "circuit_cool_down", "circuit_cool_down_seconds": d.circuitCoolDown = try duration(k, v, .circuitCoolDown, in: prefix)
            default: throw unknown(k, prefix)
            }
        }
        guard !d.url.isEmpty else { throw error(node, prefix, "needs a url") }
        guard let kind else { throw error(node, prefix, "needs a kind (nsw, as4 or http)") }
        d.kind = kind
        return d
    }

    private func client(_ node: Node, _ prefix: String) throws(ConfigurationError) -> GatewayConfiguration.Client {
        var name: String?
        var hash: String?
        var certificateHash: String?
        var permissions: Set<PortalPermission> = [.submit, .read]
        for (k, v) in try mapping(node, prefix) {
            let path = prefix + "." + k.text
            switch k.text {
            case "name": name = try string(v, path)
            case "token_sha256":
                let text = try string(v, path).lowercased()
                guard text.count == 64, text.allSatisfy(\.isHexDigit) else {
                    throw error(v, path, "must be 64 hex digits: the SHA-256 of the token, never the token itself")
                }
                hash = text
            case "certificate_sha256":
                // as `openssl x509 -noout -fingerprint -sha256` prints it, or plain hex
                let text = try string(v, path).lowercased().filter { $0 != ":" }
                guard text.count == 64, text.allSatisfy(\.isHexDigit) else {
                    throw error(v, path, "must be the SHA-256 fingerprint of the client certificate: 64 hex digits, colons allowed")
                }
                certificateHash = text
            case "permissions":
                permissions = []
                for item in try sequence(v, path) {
                    let text = try string(item, path)
                    guard let permission = PortalPermission(rawValue: text) else {
                        throw error(item, path, "unknown permission \"\(text)\" (expected submit or read)")
                    }
                    permissions.insert(permission)
                }
            default: throw unknown(k, prefix)
            }
        }
        guard let name else { throw error(node, prefix, "needs a name") }
        guard hash != nil || certificateHash != nil else { throw error(node, prefix, "needs token_sha256 or certificate_sha256") }
        return GatewayConfiguration.Client(name: name, tokenSHA256: hash, certificateSHA256: certificateHash, permissions: permissions)
    }

    private func rule(_ node: Node, _ prefix: String) throws(ConfigurationError) -> RoutingRule {
        var rule = RoutingRule(destinations: [])
        var sawDestinations = false
        for (k, v) in try mapping(node, prefix) {
            let path = prefix + "." + k.text
            switch k.text {
            case "source": rule.source = try string(v, path)
            case "document_type": rule.documentType = try string(v, path)
            case "function": rule.function = try string(v, path)
            case "importing_country": rule.importingCountry = try string(v, path)
            case "destinations":
                rule.destinations = try strings(v, path)
                sawDestinations = true
            default: throw unknown(k, prefix)
            }
        }
        guard sawDestinations else { throw error(node, prefix, "needs destinations (an empty list drops the message)") }
        return rule
    }

    // MARK: - Node access with located errors

    func mapping(_ node: Node, _ path: String) throws(ConfigurationError) -> [(key: Node, value: Node)] {
        guard case .mapping(let mapping) = node else { throw error(node, path.isEmpty ? "(top level)" : path, "expected a mapping of keys") }
        return mapping.map { ($0.key, $0.value) }
    }

    func sequence(_ node: Node, _ path: String) throws(ConfigurationError) -> [Node] {
        guard case .sequence(let sequence) = node else { throw error(node, path, "expected a list") }
        return Array(sequence)
    }

    func string(_ node: Node, _ path: String) throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node else { throw error(node, path, "expected a text value") }
        return scalar.string
    }

    func strings(_ node: Node, _ path: String) throws(ConfigurationError) -> [String] {
        try sequence(node, path).map { item throws(ConfigurationError) in try string(item, path) }
    }

    func integer(_ node: Node, _ path: String, _ range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        let text = try string(node, path)
        guard let value = Int(text) else { throw error(node, path, "expected an integer, got \"\(text)\"") }
        guard range.contains(value) else { throw error(node, path, "must be \(range.lowerBound)…\(range.upperBound), got \(value)") }
        return value
    }

    func unknown(_ key: Node, _ parent: String) -> ConfigurationError {
        let path = parent.isEmpty ? key.text : parent + "." + key.text
        return error(key, path, "unknown key")
    }

    func error(_ node: Node, _ path: String, _ message: String) -> ConfigurationError {
        let position = node.mark.map { ":\($0.line):\($0.column)" } ?? ""
        return ConfigurationError(location: file + position, keyPath: path, message: message)
    }

    private static func position(of error: YamlError) -> String {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): ":\(mark.line):\(mark.column)"
        default: ""
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        case .duplicatedKeysInMapping(let duplicates, _): "duplicate keys \(duplicates.joined(separator: ", "))"
        default: "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
        }
    }
}

extension Node {
    /// The scalar text, for key names and messages.
    var text: String { string ?? "\(self)" }
}

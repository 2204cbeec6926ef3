import Foundation
import SWGatePostgres
import SWGateSecurity
import SWGateStore

/// Range and consistency checks on a loaded configuration, so that start-up fails with a precise
/// message instead of a later, obscure one.
enum ConfigurationChecks {
    static func check(_ c: GatewayConfiguration) throws(ConfigurationError) {
        func fail(_ key: String, _ message: String) -> ConfigurationError {
            ConfigurationError(location: "configuration", keyPath: key, message: message)
        }
        guard (0...65535).contains(c.listen.port) else { throw fail("listen.port", "must be 0…65535, got \(c.listen.port)") }
        guard c.listen.maxBodyBytes >= 1024 else { throw fail("listen.max_body_bytes", "must be at least 1024") }
        if (c.listen.tlsCertificate == nil) != (c.listen.tlsKey == nil) {
            throw fail("listen.tls_certificate", "listen.tls_certificate and listen.tls_key go together")
        }
        if c.listen.tlsClientCA != nil, c.listen.tlsCertificate == nil {
            throw fail("listen.tls_client_ca", "client certificates need TLS: set listen.tls_certificate and listen.tls_key")
        }
        switch c.store.kind {
        case .sqlite:
            guard !c.storePath.isEmpty else { throw fail("store.path", "must not be empty") }
        case .postgres:
            guard let url = c.store.url, !url.isEmpty else {
                throw fail("store.url", "is required with store.kind postgres (postgres://user@host:port/database)")
            }
            do {
                _ = try PostgresStoreConfiguration(url: url, password: nil, poolSize: c.store.pool)
            } catch {
                throw fail("store.url", error.reason)
            }
        }
        if let answers = c.answersDestination, c.destinations[answers] == nil {
            throw fail("answers_to", "unknown destination \"\(answers)\"")
        }
        for (name, destination) in c.destinations.sorted(by: { $0.key < $1.key }) where destination.kind != .http && destination.partner == nil {
            throw fail(
                "destinations.\(name).partner",
                "is required for a \(destination.kind.rawValue) destination: the partner whose certificate signs its answers")
        }
        for (name, destination) in c.destinations {
            guard let url = URL(string: destination.url), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw fail("destinations.\(name).url", "must be an http or https URL, got \"\(destination.url)\"")
            }
            guard destination.concurrency >= 1 else { throw fail("destinations.\(name).concurrency", "must be at least 1") }
            guard destination.timeout >= .seconds(1) else { throw fail("destinations.\(name).timeout", "must be at least 1s") }
        }
        if let security = c.security {
            let partners = Set(security.partners.map(\.id))
            for (name, destination) in c.destinations.sorted(by: { $0.key < $1.key }) {
                if let partner = destination.partner, !partners.contains(partner) {
                    throw fail(
                        "destinations.\(name).partner",
                        "\"\(partner)\" is not one of security.partners (\(partners.sorted().joined(separator: ", ")))")
                }
            }
        }
        guard c.delivery.maxAttempts >= 1 else { throw fail("delivery.max_attempts", "must be at least 1") }
        for client in c.clients {
            for (key, value) in [("token_sha256", client.tokenSHA256), ("certificate_sha256", client.certificateSHA256)] {
                guard let value else { continue }
                guard value.count == 64, value.allSatisfy(\.isHexDigit) else {
                    throw fail("portal.clients.\(client.name).\(key)", "must be 64 hex digits (a SHA-256)")
                }
            }
            guard client.tokenSHA256 != nil || client.certificateSHA256 != nil else {
                throw fail("portal.clients.\(client.name)", "needs token_sha256 or certificate_sha256")
            }
            if client.certificateSHA256 != nil, c.listen.tlsClientCA == nil {
                throw fail(
                    "portal.clients.\(client.name).certificate_sha256",
                    "needs listen.tls_client_ca: client certificates are only read when the listener requires them")
            }
        }
        for (index, rule) in c.routes.enumerated() {
            for destination in rule.destinations where c.destinations[destination] == nil {
                throw fail("routes[\(index)].destinations", "unknown destination \"\(destination)\"")
            }
        }
        try checkInboundRoutes(c)
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(c.logLevel) else {
            throw fail("log_level", "unknown level \"\(c.logLevel)\"")
        }
    }
}

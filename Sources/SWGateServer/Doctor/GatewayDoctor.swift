public import Foundation
import Logging
import SWGatePostgres
import SWGateSecurity
import SWGateStore

/// `swgate doctor`: the checks an operator runs after deploying a gateway, without starting it.
///
/// In order: the configuration loads; every signing key is readable and matches its certificate;
/// the trust anchors, CRLs and partner certificates load; every certificate chains to the trust
/// store and none expires within the warning window; the store is writable; every destination
/// answers (TCP, TLS with the trust delivery uses, the NSW WSDL, the AS4 endpoint); the local clock
/// agrees with the partners' HTTP `Date` headers. Nothing is changed: no store is created or
/// migrated, nothing is sent to a partner but a `GET`.
public struct GatewayDoctor: Sendable {
    /// Certificates expiring within this many days are warnings; nil: the configuration's
    /// `certificates.expiry_warning` (30 days by default).
    public var warningDays: Int?
    /// How long one partner may take to answer.
    public var timeout: Duration
    /// Where the `SWGATE_…` overrides and key passphrases are read.
    public var environment: [String: String]
    /// The directory relative paths are resolved against.
    public var baseDirectory: String
    /// The local clock.
    public var now: @Sendable () -> Date

    public init(
        warningDays: Int? = nil, timeout: Duration = .seconds(5), environment: [String: String] = ProcessInfo.processInfo.environment,
        baseDirectory: String = FileManager.default.currentDirectoryPath, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.warningDays = warningDays
        self.timeout = timeout
        self.environment = environment
        self.baseDirectory = baseDirectory
        self.now = now
    }

    /// Runs every check on the configuration in `file` (nil: the embedded defaults).
    public func run(configurationFile file: String?) async -> DoctorReport {
        var findings: [DoctorFinding] = []
        let checkedAt = now()
        var warnings: [ConfigurationWarning] = []
        let configuration: GatewayConfiguration
        do {
            configuration = try ConfigurationLoader(environment: environment).load(file: file, warnings: &warnings)
            findings.append(.init(check: "configuration", subject: file ?? "embedded defaults", status: .ok, detail: "valid"))
            for warning in warnings {
                findings.append(.init(check: "configuration", subject: file ?? "embedded defaults", status: .warning, detail: "\(warning)"))
            }
        } catch {
            findings.append(.init(check: "configuration", subject: file ?? "embedded defaults", status: .failure, detail: "\(error)"))
            return DoctorReport(findings: findings, checkedAt: checkedAt)
        }
        let security = securityFindings(configuration, into: &findings)
        findings += await storeFindings(configuration)
        let tolerance = security?.configuration.clockSkewSeconds ?? configuration.security?.clockSkewSeconds ?? 300
        findings += await PartnerProbe(timeout: timeout, tolerance: tolerance, now: now).findings(configuration)
        return DoctorReport(findings: findings, checkedAt: checkedAt)
    }

    /// Keys one by one (so each failure names its key), then the whole security configuration,
    /// then every certificate's chain and expiry.
    private func securityFindings(_ configuration: GatewayConfiguration, into findings: inout [DoctorFinding]) -> SecurityServices? {
        let keys: SecurityConfiguration
        do {
            keys =
                try configuration.security
                ?? .development(directory: DevelopmentPKI.locate(configuration.certificatesDirectory, baseDirectory: baseDirectory))
        } catch {
            findings.append(.init(check: "keys", subject: "development PKI", status: .failure, detail: "\(error)"))
            return nil
        }
        var sources = keys.systemKeys.enumerated().map { index, scheduled in
            (keys.systemKeys.count == 1 ? "system key" : "system key \(index + 1)", scheduled.source)
        }
        if let organisation = keys.organisationKeys {
            sources += organisation.enumerated().map { index, scheduled in
                (organisation.count == 1 ? "organisation key" : "organisation key \(index + 1)", scheduled.source)
            }
        }
        var keysLoaded = true
        for (role, source) in sources {
            let resolved = source.resolved(against: baseDirectory)
            do {
                let identity = try SigningIdentity(source: resolved, environment: environment)
                findings.append(
                    .init(
                        check: "keys", subject: role, status: .ok,
                        detail: "\(resolved.keyPath) is readable and matches its certificate \(identity.certificate.subject)"))
            } catch {
                keysLoaded = false
                findings.append(.init(check: "keys", subject: role, status: .failure, detail: error.message))
            }
        }
        guard keysLoaded else { return nil }
        let services: SecurityServices
        do {
            services = try SecurityServices(configuration: keys, baseDirectory: baseDirectory, environment: environment, now: now)
            findings.append(
                .init(
                    check: "trust", subject: "trust store", status: .ok,
                    detail:
                        "\(services.trustStore.anchors.count) trust anchor(s), \(keys.crls.count) CRL file(s), \(services.partners.count) partner(s) loaded"
                ))
        } catch {
            findings.append(.init(check: "trust", subject: "trust store", status: .failure, detail: error.message))
            return nil
        }
        let days = warningDays ?? Int(configuration.certificateExpiryWarning.components.seconds / 86_400)
        for entry in services.certificateReport(warningDays: days, at: now()) {
            let status: DoctorFinding.Status = entry.status.isFailure ? .failure : entry.status == .expiring ? .warning : .ok
            findings.append(.init(check: "certificates", subject: "\(entry.role): \(entry.subject)", status: status, detail: entry.detail))
        }
        return services
    }

    /// The store can be written: an existing SQLite file opened and queried (a missing one needs a
    /// directory the gateway can create it in), a PostgreSQL database reached with a role that may write.
    private func storeFindings(_ configuration: GatewayConfiguration) async -> [DoctorFinding] {
        switch configuration.store.kind {
        case .sqlite:
            let path = configuration.storePath.hasPrefix("/") ? configuration.storePath : baseDirectory + "/" + configuration.storePath
            let subject = "sqlite \(path)"
            guard FileManager.default.fileExists(atPath: path) else {
                var directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
                while !FileManager.default.fileExists(atPath: directory), directory != "/" {
                    directory = URL(fileURLWithPath: directory).deletingLastPathComponent().path
                }
                return FileManager.default.isWritableFile(atPath: directory)
                    ? [.init(check: "store", subject: subject, status: .ok, detail: "does not exist yet; the gateway creates it at its first start")]
                    : [.init(check: "store", subject: subject, status: .failure, detail: "does not exist and \(directory) is not writable")]
            }
            do {
                var settings = SQLiteOutboxStore.Configuration()
                settings.createIfMissing = false
                settings.migrate = false
                settings.singleConnection = true
                let store = try SQLiteOutboxStore(path: path, configuration: settings)
                let problem = await store.readinessProblem()
                try? await store.close()
                if let problem { return [.init(check: "store", subject: subject, status: .failure, detail: problem)] }
                return [.init(check: "store", subject: subject, status: .ok, detail: "writable")]
            } catch {
                return [.init(check: "store", subject: subject, status: .failure, detail: "\(error)")]
            }
        case .postgres:
            let settings: PostgresStoreConfiguration
            do {
                settings = try GatewayStores.postgresConfiguration(configuration, environment: environment)
            } catch {
                return [.init(check: "store", subject: "postgres", status: .failure, detail: error.reason)]
            }
            var probe = settings
            probe.migrate = false
            probe.poolSize = 1
            let subject = "postgres \(settings.displayURL)"
            do {
                let store = try await PostgresOutboxStore(
                    configuration: probe, logger: Logger(label: "swgate.doctor", factory: { _ in SwiftLogNoOpLogHandler() }))
                let problem = await store.writeProblem()
                try? await store.close()
                if let problem { return [.init(check: "store", subject: subject, status: .failure, detail: problem)] }
                return [.init(check: "store", subject: subject, status: .ok, detail: "reachable, schema current, writable")]
            } catch {
                return [.init(check: "store", subject: subject, status: .failure, detail: "\(error)")]
            }
        }
    }
}

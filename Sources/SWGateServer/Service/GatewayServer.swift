public import Foundation
public import Logging
import NIOSSL
import SWGateAS4
import SWGateChannels
import SWGateConsole
public import SWGateDelivery
public import SWGateDomain
public import SWGateHTTP
import SWGateNSW
import SWGatePostgres
public import SWGateSecurity
public import SWGateStore
import ServiceLifecycle
import UnixSignals

/// The gateway process: one store (embedded SQLite, or PostgreSQL shared with other instances),
/// the keys, the validator with its document profiles, the delivery engine with one channel per
/// configured destination (by kind) and one HTTP listener for the portal API, `/nsw`,
/// `/as4` and the operations endpoints. ``run(onListening:)`` runs it under a `ServiceGroup` that
/// handles SIGTERM/SIGINT: intake closes (503), deliveries in flight finish, the store closes.
public final class GatewayServer: Sendable {
    public let configuration: GatewayConfiguration
    public let store: any SubmissionStore
    /// The store as named in messages: its file, or its database URL without the password.
    public let storeDescription: String
    public let security: SecurityServices
    public let validator: DocumentValidator
    public let metrics: GatewayMetrics
    public let engine: DeliveryEngine
    public let gate: IntakeGate
    public let host: EndpointHost
    let logger: Logger

    /// What is loaded before any store is opened: everything that can refuse a start, so a
    /// refused start creates no directory, no file and no database connection.
    struct Prepared {
        var security: SecurityServices
        var validator: DocumentValidator
        var tls: TLSConfiguration?
        /// With client certificates required: chain, validity and CRLs, checked at the handshake.
        var clientCertificateCheck: ClientCertificateCheck?
    }

    /// Opens the store the configuration names (SQLite, or PostgreSQL reached and migrated under
    /// its advisory lock) after the keys, schemas and TLS material loaded, and builds the gateway.
    /// The way `swgate serve` starts, whatever the store. `profiles` are document types registered
    /// beside the standard ones (Form D, licence).
    public static func open(
        configuration: GatewayConfiguration, baseDirectory: String = FileManager.default.currentDirectoryPath,
        environment: [String: String] = ProcessInfo.processInfo.environment, profiles: [DocumentProfile] = [], logger: Logger? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        waitForDatabase: (@Sendable (_ reason: String, _ retryIn: Duration) -> Void)? = nil
    ) async throws(GatewayStartupError) -> GatewayServer {
        let prepared = try prepare(configuration, baseDirectory: baseDirectory, environment: environment, profiles: profiles, now: now)
        let opened = try await GatewayStores.open(
            configuration, baseDirectory: baseDirectory, environment: environment, logger: logger, waitForDatabase: waitForDatabase)
        return GatewayServer(
            configuration: configuration, prepared: prepared, store: opened.store, storeDescription: opened.description, logger: logger)
    }

    /// The gateway on the embedded SQLite store of `configuration` (``open(configuration:baseDirectory:environment:profiles:logger:)``
    /// opens either kind). Loads the keys, schemas and TLS material, then opens the store, and
    /// builds the engine and the routes. Relative paths in `configuration` are resolved against
    /// `baseDirectory`; key passphrases are read from `environment` (the variables the `security`
    /// section names); the development PKI is looked for as ``DevelopmentPKI/locate(_:baseDirectory:)`` says.
    /// `now` is the clock that chooses the signing key in force (a test steps it across a rollover) and
    /// judges client certificates' validity at the TLS handshake.
    public convenience init(
        configuration: GatewayConfiguration, baseDirectory: String = FileManager.default.currentDirectoryPath,
        environment: [String: String] = ProcessInfo.processInfo.environment, profiles: [DocumentProfile] = [],
        logger: Logger? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) throws(GatewayStartupError) {
        let prepared = try Self.prepare(configuration, baseDirectory: baseDirectory, environment: environment, profiles: profiles, now: now)
        let opened = try GatewayStores.openSQLite(configuration, baseDirectory: baseDirectory)
        self.init(configuration: configuration, prepared: prepared, store: opened.store, storeDescription: opened.description, logger: logger)
    }

    /// Keys, schemas (with `profiles` registered) and TLS material.
    static func prepare(
        _ configuration: GatewayConfiguration, baseDirectory: String, environment: [String: String], profiles: [DocumentProfile],
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(GatewayStartupError) -> Prepared {
        let resolve = { (path: String) in path.hasPrefix("/") ? path : baseDirectory + "/" + path }
        let keys: SecurityConfiguration
        if let security = configuration.security {
            keys = security
        } else {
            keys = .development(directory: try DevelopmentPKI.locate(configuration.certificatesDirectory, baseDirectory: baseDirectory))
        }
        let security: SecurityServices
        do {
            security = try SecurityServices(configuration: keys, baseDirectory: baseDirectory, environment: environment, now: now)
        } catch {
            throw GatewayStartupError("keys", "\(error)")
        }
        let validator: DocumentValidator
        do {
            validator = try profiles.reduce(DocumentValidator.standard(limits: configuration.listen.xmlLimits)) { $0.registering($1) }
        } catch {
            throw GatewayStartupError("schemas", "\(error)")
        }
        var tls: TLSConfiguration?
        var clientCertificateCheck: ClientCertificateCheck?
        if let certificate = configuration.listen.tlsCertificate, let key = configuration.listen.tlsKey {
            do {
                tls = try ListenerTLS(
                    certificateChainPath: resolve(certificate), privateKeyPath: resolve(key),
                    clientCAPath: configuration.listen.tlsClientCA.map(resolve)
                ).configuration()
            } catch {
                throw GatewayStartupError("tls", "cannot load the listener's TLS certificate, key or client CA: \(error)")
            }
            if let clientCA = configuration.listen.tlsClientCA {
                do {
                    // The CRLs and clock skew of the security configuration (or of the development PKI), and the
                    // gateway's clock, as signature verification uses them.
                    clientCertificateCheck = try ClientCertificateTrust.check(
                        clientCAFile: resolve(clientCA), crlFiles: keys.crls.map { $0.hasPrefix("/") ? $0 : resolve($0) },
                        tolerance: keys.clockSkewSeconds, now: now)
                } catch {
                    throw GatewayStartupError("tls", "cannot load the listener's client CA or CRLs: \(error)")
                }
            }
        }
        return Prepared(security: security, validator: validator, tls: tls, clientCertificateCheck: clientCertificateCheck)
    }

    /// Builds the engine and the routes over an opened `store`.
    private init(
        configuration: GatewayConfiguration, prepared: Prepared, store: any SubmissionStore, storeDescription: String, logger: Logger?
    ) {
        var logger =
            logger
            ?? (configuration.logFormat == .json
                ? Logger(label: "swgate", factory: { JSONLogHandler(label: $0) }) : Logger(label: "swgate"))
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        self.configuration = configuration
        self.logger = logger
        self.store = store
        self.storeDescription = storeDescription
        security = prepared.security
        validator = prepared.validator
        let metrics = GatewayMetrics()
        self.metrics = metrics
        gate = IntakeGate(maximumInFlight: configuration.listen.maxInFlight)
        engine = DeliveryEngine(
            store: store,
            destinations: Self.destinations(
                configuration, security: prepared.security, profiles: prepared.validator.profiles, metrics: metrics, logger: logger),
            configuration: DeliveryEngineConfiguration(
                owner: configuration.delivery.owner, leaseDuration: configuration.delivery.lease,
                leaseReapInterval: configuration.delivery.leaseReapInterval, claimBatch: configuration.delivery.claimBatch,
                retry: RetryPolicy(
                    maximumAttempts: configuration.delivery.maxAttempts, maximumAge: configuration.delivery.maxAge,
                    backoff: Backoff(
                        initial: configuration.delivery.initialBackoff, maximum: configuration.delivery.maxBackoff)),
                // Partners' answers to what the portal submitted go back to the portal callback.
                answers: configuration.answersDestination.map { AnswerRouting(destination: $0, sources: ["portal"]) }),
            logger: logger)
        host = Self.host(
            configuration, store: store, security: prepared.security, validator: prepared.validator, metrics: metrics, engine: engine, gate: gate,
            logger: logger, tls: prepared.tls, clientCertificateCheck: prepared.clientCertificateCheck)
    }

    private static func destinations(
        _ configuration: GatewayConfiguration, security: SecurityServices, profiles: DocumentProfiles, metrics: GatewayMetrics,
        logger: Logger
    ) -> [DeliveryDestination] {
        configuration.destinations.sorted { $0.key < $1.key }.map { name, settings in
            let timeout = settings.timeout
            // The configured kind decides the channel; the checks made sure nsw and as4 name a partner.
            let channel: any DeliveryChannel
            switch settings.kind {
            case .nsw:
                channel = NSWDeliveryChannel(
                    url: settings.url, security: security, profiles: profiles, partner: settings.partner ?? "", timeout: timeout)
            case .as4:
                channel = AS4DeliveryChannel(
                    url: settings.url, security: security, profiles: profiles, partner: settings.partner ?? "", timeout: timeout)
            case .http:
                channel = HTTPPostChannel(url: settings.url, timeout: timeout)
            }
            return DeliveryDestination(
                name: name, channel: MeteredChannel(destination: name, inner: channel, metrics: metrics, logger: logger),
                maximumConcurrency: settings.concurrency,
                circuitBreaker: .init(failureThreshold: settings.circuitFailureThreshold, coolDown: settings.circuitCoolDown))
        }
    }

    private static func host(
        _ configuration: GatewayConfiguration, store: any SubmissionStore, security: SecurityServices, validator: DocumentValidator,
        metrics: GatewayMetrics, engine: DeliveryEngine, gate: IntakeGate, logger: Logger, tls: TLSConfiguration?,
        clientCertificateCheck: ClientCertificateCheck?
    ) -> EndpointHost {
        let wake: @Sendable () -> Void = { engine.wake() }
        let routing = configuration.routingTable
        let intake = DocumentIntake(
            store: store, validator: validator, routing: routing, destinationKinds: configuration.destinationKinds, metrics: metrics,
            onAccepted: wake)
        // Inbound messages are routed by the same table as the portal's submissions.
        let route: InboundRoute = { source, documentType, function in
            routing.destinations(for: RoutingKey(source: source, documentType: documentType, function: function)) ?? []
        }
        let portal = PortalEndpoint(
            intake: intake, authenticator: PortalAuthenticator(clients: configuration.clients), maxDocumentBytes: configuration.listen.maxBodyBytes,
            logger: logger)
        let expiry = CertificateExpiryCache(security: security, warning: configuration.certificateExpiryWarning)
        let operations = OperationsEndpoint(
            store: store, metrics: metrics,
            checks: [
                { ("intake", gate.isOpen ? nil : "intake is closed (shutting down)") },
                { ("store", await store.readinessProblem()) },
                { ReadinessChecks.keysLoaded(security) },
                { ReadinessChecks.schemasCompiled(validator) },
            ],
            pool: {
                guard let postgres = store as? PostgresOutboxStore else { return nil }
                let figures = postgres.poolFigures
                return PoolUsage(inUse: figures.inUse, available: figures.available, maximum: figures.maximum, waiting: figures.waiting)
            },
            certificates: { expiry.current() })
        var consoleRoutes: [EndpointHost.Route] = []
        if configuration.console.isServed {
            let console = ConsoleEndpoint(
                settings: configuration.console,
                context: Self.consoleContext(configuration, store: store, security: security, engine: engine),
                listenerUsesTLS: tls != nil, logger: logger)
            consoleRoutes.append(.init("/console", console))
        }
        return EndpointHost(
            host: configuration.listen.host, port: configuration.listen.port,
            routes: consoleRoutes + [
                .init("/v1", gate.guarding(portal)),
                .init(
                    "/nsw",
                    gate.guarding(NSWEndpoint(security: security, store: store, validator: validator, route: route, onAccepted: wake, logger: logger))
                ),
                .init(
                    "/as4",
                    gate.guarding(AS4Endpoint(security: security, store: store, validator: validator, route: route, onAccepted: wake, logger: logger))
                ),
                .init("/healthz", operations), .init("/readyz", operations), .init("/metrics", operations),
            ],
            maxBodyBytes: configuration.listen.maxBodyBytes, logger: logger, tls: tls, clientCertificateCheck: clientCertificateCheck)
    }

    /// What the console reads beside the store: breakers from the engine, certificates from the keys.
    private static func consoleContext(
        _ configuration: GatewayConfiguration, store: any SubmissionStore, security: SecurityServices, engine: DeliveryEngine
    ) -> ConsoleContext {
        let names = configuration.destinations.keys.sorted()
        let warningDays = configuration.console.certificateWarningDays
        return ConsoleContext(
            store: store,
            breakers: {
                var result: [ConsoleContext.Breaker] = []
                let now = ContinuousClock.now
                for name in names {
                    switch await engine.breakerState(for: name) {
                    case .closed(let failures)?:
                        result.append(.init(destination: name, state: "closed", detail: "\(failures) consecutive failure(s)"))
                    case .open(let until)?:
                        let seconds = max(0, Int((until - now).components.seconds))
                        result.append(.init(destination: name, state: "open", detail: "trial attempt in \(seconds) s"))
                    case .halfOpen(let probing)?:
                        result.append(
                            .init(destination: name, state: "half-open", detail: probing ? "trial attempt in flight" : "next attempt is a trial"))
                    case nil:
                        break
                    }
                }
                return result
            },
            certificates: {
                security.certificateReport(warningDays: warningDays).map {
                    .init(role: $0.role, subject: $0.subject, notAfter: $0.notAfter, daysRemaining: $0.daysRemaining, status: $0.status.rawValue)
                }
            },
            wake: { engine.wake() },
            receiptVerification: configuration.destinations.mapValues { destination in
                switch destination.kind {
                case .nsw: "ACK signature of partner \(destination.partner ?? "?") verified by the gateway before it was kept"
                case .as4: "receipt signature of partner \(destination.partner ?? "?") verified by the gateway before it was kept"
                case .http: "HTTP 2xx answer of the callback (not signed)"
                }
            },
            version: GatewayVersion.current)
    }

    /// Serves until SIGTERM or SIGINT (or cancellation), then drains and closes the store.
    /// `onListening` gets the bound port.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var settings = ServiceGroupConfiguration(
            services: [
                .init(service: try host.service(onListening: onListening)),
                .init(service: DeliveryService(engine: engine, gate: gate, logger: logger)),
                // Wake-ups from other instances sharing the store (PostgreSQL LISTEN). A store without
                // them returns at once; either way the engine's polling goes on, so its end ends nothing.
                .init(service: StoreWakeUps(store: store, engine: engine), successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Past the grace period the group cancels: attempts still in flight are cut, their leases
        // expire, and they are retried after the restart.
        settings.maximumGracefulShutdownDuration = configuration.shutdownGrace
        let group = ServiceGroup(configuration: settings)
        do {
            // Cancelling the task that runs the gateway drains it like SIGTERM does.
            try await group.runShuttingDownGracefullyOnCancel()
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
        logger.info("gateway stopped; store closed")
    }
}

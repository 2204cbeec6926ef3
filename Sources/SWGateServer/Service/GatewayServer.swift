public import Foundation
public import Logging
import NIOSSL
import ServiceLifecycle
import UnixSignals
import SWGateChannels
public import SWGateDelivery
public import SWGateDomain
public import SWGateHTTP
public import SWGateSecurity
public import SWGateStore

/// The gateway process: one store (SQLite, or PostgreSQL shared with other instances), the keys, the validator, the delivery engine with its three
/// destinations (NSW, ASW, portal callback) and one HTTP listener for the portal API, `/nsw`,
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

    /// Opens the store the configuration names (``GatewayStores``), then builds the gateway as
    /// ``init(configuration:store:storeDescription:baseDirectory:environment:logger:)`` does.
    /// The way to start a gateway on PostgreSQL: the database is reached, and its schema migrated,
    /// before the gateway exists.
    public static func open(
        configuration: GatewayConfiguration, baseDirectory: String = FileManager.default.currentDirectoryPath,
        environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger? = nil
    ) async throws(GatewayStartupError) -> GatewayServer {
        let opened = try await GatewayStores.open(configuration, baseDirectory: baseDirectory, environment: environment, logger: logger)
        do {
            return try GatewayServer(
                configuration: configuration, store: opened.store, storeDescription: opened.description, baseDirectory: baseDirectory,
                environment: environment, logger: logger)
        } catch {
            try? await opened.store.close()
            throw error
        }
    }

    /// Opens the embedded SQLite store of `configuration` (``open(configuration:baseDirectory:environment:logger:)``
    /// opens either kind), loads the keys and schemas, and builds the engine and the routes.
    public convenience init(
        configuration: GatewayConfiguration, baseDirectory: String = FileManager.default.currentDirectoryPath,
        environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger? = nil
    ) throws(GatewayStartupError) {
        let opened = try GatewayStores.openSQLite(configuration, baseDirectory: baseDirectory)
        try self.init(
            configuration: configuration, store: opened.store, storeDescription: opened.description, baseDirectory: baseDirectory,
            environment: environment, logger: logger)
    }

    /// Builds the gateway on an opened `store`: loads the keys and schemas, and builds the engine
    /// and the routes. Relative paths in `configuration` are resolved against `baseDirectory`; key
    /// passphrases are read from `environment` (the variables the `security` section names).
    public init(
        configuration: GatewayConfiguration, store: any SubmissionStore, storeDescription: String,
        baseDirectory: String = FileManager.default.currentDirectoryPath,
        environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger? = nil
    ) throws(GatewayStartupError)
    {
        var logger = logger ?? Logger(label: "swgate")
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        self.configuration = configuration
        self.logger = logger
        self.store = store
        self.storeDescription = storeDescription
        let resolve = { (path: String) in path.hasPrefix("/") ? path : baseDirectory + "/" + path }
        do {
            security = try SecurityServices(
                configuration: configuration.security ?? .development(directory: resolve(configuration.certificatesDirectory)),
                baseDirectory: baseDirectory, environment: environment)
        } catch {
            throw GatewayStartupError("keys", "\(error)")
        }
        do {
            validator = try DocumentValidator.standard()
        } catch {
            throw GatewayStartupError("schemas", "\(error)")
        }
        let metrics = GatewayMetrics()
        self.metrics = metrics
        gate = IntakeGate(maximumInFlight: configuration.listen.maxInFlight)
        engine = DeliveryEngine(
            store: store, destinations: Self.destinations(configuration, security: security, store: store, metrics: metrics, logger: logger),
            configuration: DeliveryEngineConfiguration(
                owner: configuration.delivery.owner, leaseDuration: .seconds(configuration.delivery.leaseSeconds),
                leaseReapInterval: .seconds(configuration.delivery.leaseReapSeconds), claimBatch: configuration.delivery.claimBatch,
                retry: RetryPolicy(
                    maximumAttempts: configuration.delivery.maxAttempts, maximumAge: .seconds(configuration.delivery.maxAgeSeconds),
                    backoff: Backoff(
                        initial: .milliseconds(configuration.delivery.initialBackoffMilliseconds),
                        maximum: .seconds(configuration.delivery.maxBackoffSeconds))),
                // Partners' answers to what the portal submitted go back to the portal callback.
                answers: configuration.destinations["portal"] == nil ? nil : AnswerRouting(destination: "portal", sources: ["portal"])),
            logger: logger)
        var tls: TLSConfiguration?
        if let certificate = configuration.listen.tlsCertificate, let key = configuration.listen.tlsKey {
            do {
                tls = try ListenerTLS(
                    certificateChainPath: resolve(certificate), privateKeyPath: resolve(key),
                    clientCAPath: configuration.listen.tlsClientCA.map(resolve)
                ).configuration()
            } catch {
                throw GatewayStartupError("tls", "cannot load the listener's TLS certificate, key or client CA: \(error)")
            }
        }
        host = Self.host(
            configuration, store: store, security: security, validator: validator, metrics: metrics, engine: engine, gate: gate, logger: logger,
            tls: tls)
    }

    private static func destinations(
        _ configuration: GatewayConfiguration, security: SecurityServices, store: any SubmissionStore, metrics: GatewayMetrics, logger: Logger
    ) -> [DeliveryDestination] {
        configuration.destinations.sorted { $0.key < $1.key }.map { name, settings in
            let timeout = Duration.seconds(settings.timeoutSeconds)
            let channel: any DeliveryChannel
            switch name {
            case "nsw":
                channel = NSWDeliveryChannel(
                    url: settings.url, security: security, store: store, partner: settings.partner ?? NSWParty.developmentNSW.identity,
                    timeout: timeout)
            case "asw":
                channel = AS4DeliveryChannel(url: settings.url, security: security, store: store, partner: settings.partner ?? "TH", timeout: timeout)
            default:
                channel = HTTPPostChannel(url: settings.url, timeout: timeout)
            }
            return DeliveryDestination(
                name: name, channel: MeteredChannel(destination: name, inner: channel, metrics: metrics, logger: logger),
                maximumConcurrency: settings.concurrency,
                circuitBreaker: .init(failureThreshold: settings.circuitFailureThreshold, coolDown: .seconds(settings.circuitCoolDownSeconds)))
        }
    }

    private static func host(
        _ configuration: GatewayConfiguration, store: any SubmissionStore, security: SecurityServices, validator: DocumentValidator,
        metrics: GatewayMetrics, engine: DeliveryEngine, gate: IntakeGate, logger: Logger, tls: TLSConfiguration?
    ) -> EndpointHost {
        let wake: @Sendable () -> Void = { engine.wake() }
        let intake = CertificateIntake(store: store, validator: validator, routing: configuration.routingTable, metrics: metrics, onAccepted: wake)
        let portal = PortalEndpoint(
            intake: intake, authenticator: PortalAuthenticator(clients: configuration.clients), maxDocumentBytes: configuration.listen.maxBodyBytes,
            logger: logger)
        let operations = OperationsEndpoint(
            store: store, metrics: metrics,
            checks: [
                { ("intake", gate.isOpen ? nil : "intake is closed (shutting down)") },
                { ("store", await store.readinessProblem()) },
                { ReadinessChecks.keysLoaded(security) },
                { ReadinessChecks.schemasCompiled(validator) },
            ])
        return EndpointHost(
            host: configuration.listen.host, port: configuration.listen.port,
            routes: [
                .init("/v1", gate.guarding(portal)),
                .init("/nsw", gate.guarding(NSWEndpoint(security: security, store: store, validator: validator, onAccepted: wake))),
                .init("/as4", gate.guarding(AS4Endpoint(security: security, store: store, validator: validator, onAccepted: wake))),
                .init("/healthz", operations), .init("/readyz", operations), .init("/metrics", operations),
            ],
            maxBodyBytes: configuration.listen.maxBodyBytes, logger: logger, tls: tls)
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
        settings.maximumGracefulShutdownDuration = .seconds(configuration.shutdownGraceSeconds)
        let group = ServiceGroup(configuration: settings)
        do {
            try await group.run()
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
        logger.info("gateway stopped; store closed")
    }
}

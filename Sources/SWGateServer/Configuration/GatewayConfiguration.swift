public import Foundation
public import SWGateConsole
public import SWGateSecurity
public import SWGateXML

/// Everything `swgate serve` needs, read from one YAML file over embedded defaults, then
/// overridden by `SWGATE_…` environment variables. Every key is listed in `docs/configuration.md`.
public struct GatewayConfiguration: Sendable, Hashable {
    /// The HTTP listener.
    public struct Listen: Sendable, Hashable {
        public var host = "127.0.0.1"
        public var port = 8080
        /// Largest request body accepted on any route; larger ones get 413.
        public var maxBodyBytes = 1 << 20
        /// Requests in progress at once on the intake routes (`/v1`, `/nsw`, `/as4`); more are
        /// refused as overloaded (503) in the route's protocol.
        public var maxInFlight = 256
        /// PEM certificate chain for HTTPS; with `tlsKey`. Unset: plain HTTP.
        public var tlsCertificate: String?
        /// PEM private key for HTTPS.
        public var tlsKey: String?
        /// PEM CA certificates that clients must present a certificate under (mutual TLS).
        public var tlsClientCA: String?
        /// Caps on every XML document the listener parses (portal API, `/nsw`, `/as4`): size in
        /// bytes, element depth and node count. A document over a cap is refused before its tree is built.
        public var xmlLimits = XMLLimits.default
    }

    /// One partner the engine delivers to.
    public struct Destination: Sendable, Hashable {
        /// The protocol spoken to it; decides its channel (never its name).
        public var kind: DestinationKind
        public var url: String
        /// The partner id whose certificate must sign this destination's answers (`NSW-VN`, `TH`);
        /// nil for the portal callback, which answers with plain HTTP.
        public var partner: String?
        /// Attempts in flight at once towards this destination.
        public var concurrency = 16
        /// Timeout of one exchange.
        public var timeout: Duration = .seconds(30)
        /// Consecutive failures that open the circuit breaker.
        public var circuitFailureThreshold = 5
        /// How long an open breaker waits before a trial attempt.
        public var circuitCoolDown: Duration = .seconds(30)

        public init(kind: DestinationKind, url: String, partner: String? = nil) {
            self.kind = kind
            self.url = url
            self.partner = partner
        }
    }

    /// Retry budget and engine settings shared by every destination.
    public struct Delivery: Sendable, Hashable {
        /// Lease owner name; keep it stable across restarts of one instance.
        public var owner = "swgate-1"
        public var maxAttempts = 12
        /// Age after which a delivery is `dead`.
        public var maxAge: Duration = .seconds(86_400)
        /// First retry delay (exponential with jitter from there).
        public var initialBackoff: Duration = .milliseconds(500)
        /// Longest retry delay.
        public var maxBackoff: Duration = .seconds(300)
        public var claimBatch = 64
        /// How long a claimed delivery stays leased to this instance: after it, another instance
        /// (or this one's reaper) may take it over. Keep it well above the destinations' timeouts.
        public var lease: Duration = .seconds(120)
        /// How often expired leases of any instance are returned to the queue.
        public var leaseReapInterval: Duration = .seconds(10)
    }

    /// A portal client allowed to call the portal API.
    public struct Client: Sendable, Hashable {
        public var name: String
        /// Lower-case hex SHA-256 of the bearer token; the token itself is never stored.
        public var tokenSHA256: String?
        /// Lower-case hex SHA-256 of the DER of the client's TLS certificate: with a listener that
        /// requires client certificates, a request without a bearer token is this client's when
        /// it comes over a connection authenticated with that certificate.
        public var certificateSHA256: String?
        public var permissions: Set<PortalPermission>

        public init(name: String, tokenSHA256: String? = nil, certificateSHA256: String? = nil, permissions: Set<PortalPermission>) {
            self.name = name
            self.tokenSHA256 = tokenSHA256
            self.certificateSHA256 = certificateSHA256
            self.permissions = permissions
        }
    }

    public var listen = Listen()
    /// The SQLite outbox file (`store.path`), used when ``store`` is of kind `sqlite`.
    public var storePath = "data/swgate.sqlite"
    /// Which outbox store: the embedded SQLite file (default) or a PostgreSQL database shared by
    /// several gateway instances (the rest of the `store` section).
    public var store = Store()
    /// The PKI directory (`SecurityConfiguration.development(directory:)`), used when ``security`` is nil.
    public var certificatesDirectory = "Certificates"
    /// Production keys, trust anchors, CRLs and partners (the `security` section). Nil: the
    /// development layout of ``certificatesDirectory``. When set it replaces that layout entirely,
    /// so a production configuration never trusts a development partner by accident.
    public var security: SecurityConfiguration?
    public var destinations: [String: Destination] = [
        "nsw": Destination(kind: .nsw, url: "http://127.0.0.1:9101/nsw", partner: "NSW-VN"),
        "asw": Destination(kind: .as4, url: "http://127.0.0.1:9102/as4", partner: "TH"),
        "portal": Destination(kind: .http, url: "http://127.0.0.1:9103/callback"),
    ]
    /// The destination that partners' answers to the portal's submissions go to (`answers_to`);
    /// nil: answers are kept as receipts only.
    public var answersDestination: String? = "portal"
    public var delivery = Delivery()
    public var clients: [Client] = [
        Client(name: "dev-portal", tokenSHA256: DevelopmentToken.submitterHash, permissions: [.submit, .read]),
        Client(name: "dev-reader", tokenSHA256: DevelopmentToken.readerHash, permissions: [.read]),
    ]
    /// Routing rules; the first that matches wins. Empty: ``RoutingTable/defaultRules``.
    public var routes: [RoutingRule] = []
    /// How long a graceful shutdown waits for attempts in flight.
    public var shutdownGrace: Duration = .seconds(30)
    /// `trace`, `debug`, `info`, `notice`, `warning`, `error`, `critical`.
    public var logLevel = "info"
    /// The operator console at `/console` (the `console` section): served when enabled and at
    /// least one operator is configured. The embedded defaults configure none.
    public var console = ConsoleSettings()
    /// How log records are written (`log.format`): plain text lines, or one JSON object per line.
    public var logFormat = LogFormat.text
    /// Certificates expiring within this window are warned about (`certificates.expiry_warning`):
    /// the `swgate_certificate_expiry_warning` metric and `swgate doctor`'s default window.
    public var certificateExpiryWarning: Duration = .seconds(30 * 86_400)

    /// The log output formats.
    public enum LogFormat: String, Sendable, Hashable, CaseIterable {
        /// swift-log's default text lines on standard error.
        case text
        /// One JSON object per line on standard error (``JSONLogHandler``).
        case json
    }

    /// The embedded defaults: loopback listener, `data/swgate.sqlite`, `Certificates/`, simulators on
    /// their default ports, the development tokens.
    public init() {}

    /// Each destination's kind, by name.
    public var destinationKinds: [String: DestinationKind] { destinations.mapValues(\.kind) }

    /// The routing table these settings describe.
    public var routingTable: RoutingTable {
        RoutingTable(rules: routes.isEmpty ? RoutingTable.defaultRules : routes)
    }
}

/// The protocol of a destination (`destinations.<name>.kind`): a second AS4 partner or a second
/// callback is a second destination of the same kind, not code.
public enum DestinationKind: String, Sendable, Hashable, CaseIterable {
    /// The National Single Window: SOAP 1.1, signed NSW envelopes, signed ACKs.
    case nsw
    /// An AS4 access point: ebMS 3.0 user messages with WS-Security, signed receipts.
    case as4
    /// A plain HTTP POST of the stored bytes (the portal's callback).
    case http
}

/// What a portal client may do.
public enum PortalPermission: String, Sendable, Hashable, CaseIterable {
    /// `POST /v1/certificates`.
    case submit
    /// `GET /v1/messages…`.
    case read
}

/// The development bearer tokens of the embedded defaults (test material, like `Certificates/`).
/// Production configurations list only hashes of their own tokens.
public enum DevelopmentToken {
    /// May submit and read: `Authorization: Bearer swgate-dev-token`.
    public static let submitter = "swgate-dev-token"
    /// May only read.
    public static let reader = "swgate-dev-reader-token"
    static let submitterHash = "80824e0ab434c277312dd8dc34459c72448d7167618acf36bf508afaecd8b0e0"
    static let readerHash = "214e5c12de3cfac2c22b38704e1abeb5854a310ff9cbea6bc94f6e7f9ed08304"
}

extension GatewayConfiguration {
    /// The `store` section besides `path`: which implementation, and how to reach PostgreSQL.
    public struct Store: Sendable, Hashable {
        /// `sqlite` (embedded, one instance) or `postgres` (several instances on one database).
        public enum Kind: String, Sendable, Hashable, CaseIterable {
            case sqlite
            case postgres
        }

        public var kind = Kind.sqlite
        /// `postgres://user@host:port/database`, without a password.
        public var url: String?
        /// Connections this instance keeps to the database.
        public var pool = 8
        /// The environment variable that holds the database password.
        public var passwordEnvironment = "SWGATE_STORE_PASSWORD"

        public init() {}
    }
}

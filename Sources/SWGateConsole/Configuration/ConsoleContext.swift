public import Foundation
public import SWGateStore

/// What the console reads beside the store, supplied by the gateway that hosts it: the console
/// does not depend on the delivery engine or the key store, only on these answers.
public struct ConsoleContext: Sendable {
    /// One destination's circuit breaker, as the dashboard shows it.
    public struct Breaker: Sendable, Hashable {
        public var destination: String
        /// `closed`, `open`, `half-open`.
        public var state: String
        /// Consecutive transient failures (closed), or seconds until a trial attempt (open).
        public var detail: String

        public init(destination: String, state: String, detail: String) {
            self.destination = destination
            self.state = state
            self.detail = detail
        }
    }

    /// One certificate that needs attention soon.
    public struct CertificateNotice: Sendable, Hashable {
        public var role: String
        public var subject: String
        public var notAfter: Date
        public var daysRemaining: Int
        /// `ok`, `expiring`, `expired`, …
        public var status: String

        public init(role: String, subject: String, notAfter: Date, daysRemaining: Int, status: String) {
            self.role = role
            self.subject = subject
            self.notAfter = notAfter
            self.daysRemaining = daysRemaining
            self.status = status
        }
    }

    public var store: any OutboxStore
    /// Every destination's breaker.
    public var breakers: @Sendable () async -> [Breaker]
    /// Every configured certificate, with its remaining validity.
    public var certificates: @Sendable () -> [CertificateNotice]
    /// Called after a replay so that the delivery engine picks the deliveries up at once.
    public var wake: @Sendable () -> Void
    /// Destination → who checked its receipts before they were kept (shown beside each receipt),
    /// e.g. "signature of partner NSW-VN verified"; destinations not listed are shown without.
    public var receiptVerification: [String: String]
    /// The gateway's version, for the footer.
    public var version: String

    public init(
        store: any OutboxStore, breakers: @escaping @Sendable () async -> [Breaker] = { [] },
        certificates: @escaping @Sendable () -> [CertificateNotice] = { [] }, wake: @escaping @Sendable () -> Void = {},
        receiptVerification: [String: String] = [:], version: String = ""
    ) {
        self.receiptVerification = receiptVerification
        self.store = store
        self.breakers = breakers
        self.certificates = certificates
        self.wake = wake
        self.version = version
    }
}

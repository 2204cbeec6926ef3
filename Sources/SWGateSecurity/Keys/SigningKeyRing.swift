public import Foundation
import SWGateXML

/// A signing key with the period in which the gateway signs with it (configuration, Codable).
///
/// Several of them make a certificate rollover without downtime: the old key stays configured
/// until its `useUntil`, the new one is configured ahead of time with its `useFrom`, and the
/// gateway switches at the date, with no restart. A bound left out is the certificate's own.
public struct ScheduledKeySource: Codable, Sendable, Hashable {
    /// Where the key and its certificate come from.
    public var source: KeySource
    /// First instant the key signs (default: its certificate's notBefore).
    public var useFrom: Date?
    /// Last instant the key signs (default: its certificate's notAfter).
    public var useUntil: Date?

    /// A key and its signing period.
    public init(source: KeySource, useFrom: Date? = nil, useUntil: Date? = nil) {
        self.source = source
        self.useFrom = useFrom
        self.useUntil = useUntil
    }
}

/// The gateway's signing keys with their signing periods; ``identity(at:)`` is the key in force
/// at a date, chosen each time the gateway signs.
public final class SigningKeyRing: Sendable {
    /// One loaded key and the period it signs in (the configured bounds inside its certificate's validity).
    public struct Entry: Sendable {
        /// The loaded key and certificate.
        public let identity: SigningIdentity
        /// First instant it signs.
        public let useFrom: Date
        /// Last instant it signs.
        public let useUntil: Date

        /// Whether `date` is inside the signing period.
        public func isInForce(at date: Date) -> Bool { useFrom <= date && date <= useUntil }
    }

    /// The keys in configuration order.
    public let entries: [Entry]

    /// Loads every key (relative paths already resolved).
    /// - Throws: `.keyLoadFailed` naming the key that did not load, or when a signing period is empty.
    public init(_ sources: [ScheduledKeySource], environment: [String: String]) throws(SignatureError) {
        guard !sources.isEmpty else { throw SignatureError(.keyLoadFailed, "no signing key configured") }
        var entries: [Entry] = []
        for source in sources {
            let identity = try SigningIdentity(source: source.source, environment: environment)
            let from = max(source.useFrom ?? identity.certificate.notBefore, identity.certificate.notBefore)
            let until = min(source.useUntil ?? identity.certificate.notAfter, identity.certificate.notAfter)
            guard from <= until else {
                throw SignatureError(
                    .keyLoadFailed,
                    "the key \(source.source.keyPath) has no signing period: use from \(from.formatted(.iso8601)) is after use until \(until.formatted(.iso8601)) (its certificate is valid \(identity.certificate.notBefore.formatted(.iso8601)) … \(identity.certificate.notAfter.formatted(.iso8601)))"
                )
            }
            entries.append(Entry(identity: identity, useFrom: from, useUntil: until))
        }
        self.entries = entries
    }

    /// The entry in force at `date`: of the keys whose period holds `date`, the one that began
    /// last (during an overlap the newer key signs). When none is in force, the key that began
    /// last before `date`, else the first to begin: the gateway keeps signing, and `swgate certs
    /// check`, `swgate doctor` and the expiry metric say that no key is in force.
    public func entry(at date: Date) -> Entry {
        if let current = entries.filter({ $0.isInForce(at: date) }).max(by: { $0.useFrom < $1.useFrom }) { return current }
        if let last = entries.filter({ $0.useFrom <= date }).max(by: { $0.useFrom < $1.useFrom }) { return last }
        return entries.min(by: { $0.useFrom < $1.useFrom })!
    }

    /// The key in force at `date` (``entry(at:)``).
    public func identity(at date: Date) -> SigningIdentity { entry(at: date).identity }

    /// Whether some key's period holds `date`.
    public func hasKeyInForce(at date: Date) -> Bool { entries.contains { $0.isInForce(at: date) } }

    /// The key whose certificate is `text` (base64 DER, whitespace removed), if it is one of the
    /// ring's; compared as strings (a byte comparison of native UTF-8).
    public func identity(certificateBase64 text: String) -> SigningIdentity? {
        entries.first { $0.identity.certificate.base64 == text }?.identity
    }
}

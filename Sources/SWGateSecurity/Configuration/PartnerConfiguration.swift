import SWGateXML
import Foundation
/// How a partner's signatures are recognised (configuration, Codable).
///
/// A signer is bound to a partner when its certificate's SHA-256 fingerprint is pinned, its
/// certificate file is pinned, or its subject is listed. The certificate must chain to the trust
/// store as well; the binding only says *which* trusted certificate may speak for the partner.
public struct PartnerConfiguration: Codable, Sendable, Hashable {
    /// The identity the partner claims in messages: NSW `Header/From/identity` or AS4 `From/PartyId`.
    public var id: String
    /// Pinned SHA-256 certificate fingerprints (hex; colons and case ignored).
    public var certificateFingerprints: [String]
    /// Pinned certificate files (PEM), for configurations that name files rather than fingerprints.
    public var certificateFiles: [String]
    /// Accepted subject distinguished names (RFC 2253, exact).
    public var subjects: [String]
    /// Accept RSA-SHA1 and SHA-1 digests from this partner (legacy systems only).
    public var allowSHA1: Bool

    /// A partner; everything but `id` is optional.
    public init(id: String, certificateFingerprints: [String] = [], certificateFiles: [String] = [],
                subjects: [String] = [], allowSHA1: Bool = false) {
        self.id = id
        self.certificateFingerprints = certificateFingerprints
        self.certificateFiles = certificateFiles
        self.subjects = subjects
        self.allowSHA1 = allowSHA1
    }
}

/// A partner configuration with its pinned certificate files loaded.
public struct PartnerPolicy: Sendable, Hashable {
    /// The identity the partner claims in messages.
    public let id: String
    /// Pinned SHA-256 fingerprints, normalised (lowercase hex), including those of pinned files.
    public let fingerprints: Set<String>
    /// Accepted subject names (RFC 2253).
    public let subjects: Set<String>
    /// Whether RSA-SHA1/SHA-1 are accepted from this partner.
    public let allowSHA1: Bool

    /// Loads `configuration`, resolving certificate files against `directory`.
    public init(_ configuration: PartnerConfiguration, directory: String) throws(SignatureError) {
        id = configuration.id
        var fingerprints = Set(configuration.certificateFingerprints.map(Self.normalized))
        for file in configuration.certificateFiles {
            for certificate in try Certificate.load(pemFile: resolvePath(file, against: directory)) {
                fingerprints.insert(certificate.fingerprintSHA256)
            }
        }
        self.fingerprints = fingerprints
        subjects = Set(configuration.subjects)
        allowSHA1 = configuration.allowSHA1
    }

    /// Whether `certificate` may sign for this partner.
    public func accepts(_ certificate: Certificate) -> Bool {
        fingerprints.contains(certificate.fingerprintSHA256) || subjects.contains(certificate.subject)
    }

    static func normalized(_ fingerprint: String) -> String {
        fingerprint.lowercased().filter { $0.isHexDigit }
    }
}

public import Foundation
import SWGateXML

/// Loaded keys, trust store and partner policies: what signing and verification use.
///
/// Load once and share: every member is immutable and `Sendable`, keys are lent to each
/// signature rather than duplicated, and certificate chains are validated once per certificate.
public final class SecurityServices: Sendable {
    /// The configuration this was loaded from.
    public let configuration: SecurityConfiguration
    /// The gateway's system keys with their signing periods.
    public let systemKeys: SigningKeyRing
    /// The configured organisation keys with their signing periods, if any (else Content is signed
    /// with the system key in force).
    public let organisationKeys: SigningKeyRing?
    /// The clock that chooses the signing key in force (the system clock unless a test injects one).
    public let now: @Sendable () -> Date
    /// The gateway's own key in force now (SystemSignature, AS4): ``SigningKeyRing/identity(at:)``.
    public var systemIdentity: SigningIdentity { systemKeys.identity(at: now()) }
    /// The key that signs Content handed over unsigned: the organisation key, else the system key in force.
    public var organisationIdentity: SigningIdentity { organisationKeys?.identity(at: now()) ?? systemIdentity }
    /// Trust anchors and CRLs.
    public let trustStore: TrustStore
    /// Partner policies by claimed identity.
    public let partners: [String: PartnerPolicy]
    /// The implementation underneath the policy checks (``SignatureEngine/native`` unless chosen).
    public let engine: SignatureEngine
    /// The directory relative paths in ``configuration`` are resolved against.
    public let baseDirectory: String
    /// The business documents signed as text lately (a document goes to both partners).
    let embeddedDocuments = EmbeddedDocumentCache()
    /// How many business documents signing has parsed so far: about one per document delivered to
    /// both partners, when the second delivery finds the first one's parse (what `server-bench`
    /// reports per Form D).
    public var documentsParsedForSigning: Int { embeddedDocuments.parses }

    /// Loads `configuration`, resolving relative paths against `baseDirectory`; `engine` selects
    /// the crypto/C14N implementation under the (identical) policy checks; `now` is the clock that
    /// chooses the system key in force.
    public init(
        configuration: SecurityConfiguration, baseDirectory: String = FileManager.default.currentDirectoryPath,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        engine: SignatureEngine = .native, now: @escaping @Sendable () -> Date = { Date() }
    ) throws(SignatureError) {
        self.configuration = configuration
        self.engine = engine
        self.baseDirectory = baseDirectory
        self.now = now
        systemKeys = try SigningKeyRing(
            configuration.systemKeys.map {
                var scheduled = $0
                scheduled.source = $0.source.resolved(against: baseDirectory)
                return scheduled
            }, environment: environment)
        if let organisation = configuration.organisationKeys {
            organisationKeys = try SigningKeyRing(
                organisation.map {
                    var scheduled = $0
                    scheduled.source = $0.source.resolved(against: baseDirectory)
                    return scheduled
                }, environment: environment)
        } else {
            organisationKeys = nil
        }
        var anchors: [Certificate] = []
        for path in configuration.trustAnchors {
            anchors += try Certificate.load(pemFile: resolvePath(path, against: baseDirectory))
        }
        trustStore = try TrustStore(anchors: anchors, crlFiles: configuration.crls.map { resolvePath($0, against: baseDirectory) })
        var partners: [String: PartnerPolicy] = [:]
        for partner in configuration.partners {
            partners[partner.id] = try PartnerPolicy(partner, directory: baseDirectory)
        }
        self.partners = partners
    }

    /// The policy for the partner a message claims as its sender.
    /// - Throws: `.unknownPartner` when no partner has that identity.
    public func partner(_ id: String) throws(SignatureError) -> PartnerPolicy {
        guard let policy = partners[id] else {
            throw SignatureError(.unknownPartner, "sender \"\(id)\" is not a configured partner")
        }
        return policy
    }
}

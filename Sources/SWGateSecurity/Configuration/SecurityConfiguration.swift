import SWGateXML
/// Keys, trust and partners for signing and verification (Codable: a later configuration file
/// holds it). Relative paths are resolved against the gateway's home directory.
public struct SecurityConfiguration: Codable, Sendable, Hashable {
    /// The gateway's own key: SystemSignature on NSW envelopes, WS-Security on AS4 messages.
    /// With a ``systemKeySchedule`` it is the schedule's first key.
    public var systemKey: KeySource
    /// Several system keys with signing periods (certificate rollover); empty: ``systemKey`` alone.
    public var systemKeySchedule: [ScheduledKeySource] = []
    /// The ministry's organisation key that signs Content the portal handed over unsigned;
    /// `nil` uses ``systemKey``. With an ``organisationKeySchedule`` it is the schedule's first key.
    public var organisationKey: KeySource?
    /// Several organisation keys with signing periods (certificate rollover); empty: ``organisationKey`` alone.
    public var organisationKeySchedule: [ScheduledKeySource] = []
    /// PEM files of trust anchors (CA certificates).
    public var trustAnchors: [String]
    /// PEM CRL files; when any is given, every issuing CA needs a CRL and revoked certificates are refused.
    public var crls: [String]
    /// The partners whose signatures are accepted, by the identity they claim.
    public var partners: [PartnerConfiguration]
    /// Clock skew tolerated when checking WS-Security timestamps and the validity periods of
    /// partners' certificates, in seconds.
    public var clockSkewSeconds: Double
    /// How long a WS-Security timestamp the gateway writes is valid, in seconds.
    public var timestampLifetimeSeconds: Double
    /// The gateway's party in NSW headers (`From` of what it sends).
    public var localParty: NSWParty
    /// The National Single Window's party (`To` of what the gateway sends to it).
    public var nswParty: NSWParty

    /// A configuration; clock skew and timestamp lifetime default to 5 minutes.
    public init(systemKey: KeySource, organisationKey: KeySource? = nil, trustAnchors: [String], crls: [String] = [],
                partners: [PartnerConfiguration], clockSkewSeconds: Double = 300, timestampLifetimeSeconds: Double = 300,
                localParty: NSWParty, nswParty: NSWParty) {
        self.systemKey = systemKey
        self.organisationKey = organisationKey
        self.trustAnchors = trustAnchors
        self.crls = crls
        self.partners = partners
        self.clockSkewSeconds = clockSkewSeconds
        self.timestampLifetimeSeconds = timestampLifetimeSeconds
        self.localParty = localParty
        self.nswParty = nswParty
    }

    /// The organisation keys with their signing periods: the schedule, ``organisationKey`` alone, or
    /// nil when Content is signed with the system key.
    public var organisationKeys: [ScheduledKeySource]? {
        if !organisationKeySchedule.isEmpty { return organisationKeySchedule }
        return organisationKey.map { [ScheduledKeySource(source: $0)] }
    }

    /// The system keys with their signing periods: the schedule, or ``systemKey`` alone.
    public var systemKeys: [ScheduledKeySource] {
        systemKeySchedule.isEmpty ? [ScheduledKeySource(source: systemKey)] : systemKeySchedule
    }

    /// The development PKI under `Certificates/` (TEST MATERIAL ONLY): the gateway key signs,
    /// the development CA is trusted with its CRL, and the partners are the ministry
    /// (`MOIT-VN`, also AS4 party `VN`), the NSW (`NSW-VN`) and a partner member state (`TH`).
    public static func development(directory: String = "Certificates") -> SecurityConfiguration {
        func file(_ name: String) -> String { resolvePath(name, against: directory) }
        let ministryCertificates = ["gateway.pem", "officer.pem", "portal.pem", "ecdsa.pem"].map(file)
        return SecurityConfiguration(
            systemKey: KeySource(keyPath: file("gateway.key"), certificatePath: file("gateway.pem")),
            trustAnchors: [file("ca.pem")],
            crls: [file("crl.pem")],
            partners: [
                PartnerConfiguration(id: NSWParty.developmentMinistry.identity, certificateFiles: ministryCertificates),
                PartnerConfiguration(id: NSWParty.developmentNSW.identity, certificateFiles: [file("nsw.pem")]),
                PartnerConfiguration(id: "VN", certificateFiles: ministryCertificates),
                PartnerConfiguration(id: "TH", certificateFiles: [file("asw.pem")]),
            ],
            localParty: .developmentMinistry,
            nswParty: .developmentNSW)
    }
}

/// A party in an NSW envelope header (`From` / `To`).
public struct NSWParty: Codable, Sendable, Hashable {
    /// `name`: the party's display name.
    public var name: String
    /// `identity`: the identity partners are configured by.
    public var identity: String
    /// `countryCode`: ISO 3166-1 alpha-2.
    public var countryCode: String
    /// `ministryCode`.
    public var ministryCode: String
    /// `organizationCode`.
    public var organizationCode: String
    /// `unitCode`, optional.
    public var unitCode: String?

    /// A party for the NSW header.
    public init(name: String, identity: String, countryCode: String, ministryCode: String,
                organizationCode: String, unitCode: String? = nil) {
        self.name = name
        self.identity = identity
        self.countryCode = countryCode
        self.ministryCode = ministryCode
        self.organizationCode = organizationCode
        self.unitCode = unitCode
    }

    /// The ministry's gateway in the development setup.
    public static let developmentMinistry = NSWParty(
        name: "Ministry of Industry and Trade", identity: "MOIT-VN", countryCode: "VN", ministryCode: "MOIT",
        organizationCode: "XNK", unitCode: "SWGATE")
    /// The National Single Window in the development setup.
    public static let developmentNSW = NSWParty(
        name: "National Single Window", identity: "NSW-VN", countryCode: "VN", ministryCode: "MOF", organizationCode: "GDVC")
}

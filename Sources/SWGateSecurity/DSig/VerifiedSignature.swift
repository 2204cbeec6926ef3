import SWGateXML
/// One reference whose digest was verified: the non-repudiation information a receipt carries.
public struct VerifiedReference: Sendable, Hashable, Codable {
    /// The reference URI (`#id`, or empty for the whole document).
    public let uri: String
    /// The digest algorithm URI.
    public let digestMethod: String
    /// The verified digest value, base64.
    public let digestValue: String
    /// The transforms applied, as algorithm URIs.
    public let transforms: [String]
}

/// A signature that passed every check.
public struct VerifiedSignature: Sendable, Hashable {
    /// The signature method URI (e.g. RSA-SHA256).
    public let signatureMethod: String
    /// The signer's certificate subject (RFC 2253).
    public let signerSubject: String
    /// SHA-256 fingerprint of the signer's certificate, lowercase hex.
    public let signerFingerprint: String
    /// The partner the signer is bound to.
    public let partner: String
    /// The verified references, in SignedInfo order.
    public let references: [VerifiedReference]
}

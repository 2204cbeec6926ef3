import SWGateXML
/// Why a signature was not created or not accepted: which check failed, and a human reason.
///
/// The code is an extensible set of static members (new checks add codes without breaking
/// callers that switch on the ones they know). Messages never contain key material.
public struct SignatureError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The check that failed.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A stable lowerCamel name, printed by the CLI and usable in logs and metrics.
        public let name: String
        /// A code with a stable name; define new ones as static members.
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A reference's digest does not match the referenced data: the signed data was changed.
        public static let digestMismatch = Code("digestMismatch")
        /// The SignatureValue does not verify with the signer's key (SignedInfo changed or wrong key).
        public static let signatureInvalid = Code("signatureInvalid")
        /// A signature, digest, canonicalization or transform algorithm is not on the allow-list.
        public static let algorithmNotAllowed = Code("algorithmNotAllowed")
        /// References do not point at exactly the elements the gateway processes (signature wrapping).
        public static let wrapping = Code("wrapping")
        /// Two elements carry the same Id value.
        public static let duplicateId = Code("duplicateId")
        /// A signature where none is expected, or more than one where one is expected.
        public static let unexpectedSignature = Code("unexpectedSignature")
        /// A required signature is absent.
        public static let missingSignature = Code("missingSignature")
        /// Comments or processing instructions inside signed data (invisible to exclusive C14N).
        public static let commentInSignedData = Code("commentInSignedData")
        /// The signer's certificate does not chain to the trust store.
        public static let untrustedCertificate = Code("untrustedCertificate")
        /// The signer's certificate (or one in its chain) is past its validity period.
        public static let certificateExpired = Code("certificateExpired")
        /// The signer's certificate (or one in its chain) is not valid yet.
        public static let certificateNotYetValid = Code("certificateNotYetValid")
        /// The signer's certificate is listed in a configured CRL.
        public static let certificateRevoked = Code("certificateRevoked")
        /// The signer is not a certificate configured for the partner the message claims as sender.
        public static let signerNotPartner = Code("signerNotPartner")
        /// The claimed sender is not a configured partner.
        public static let unknownPartner = Code("unknownPartner")
        /// The WS-Security timestamp is expired, from the future, or missing its fields.
        public static let timestampStale = Code("timestampStale")
        /// The message does not have the structure the signature profile requires.
        public static let malformedMessage = Code("malformedMessage")
        /// The KeyInfo does not identify one usable signer certificate.
        public static let missingCertificate = Code("missingCertificate")
        /// A key, certificate, CRL or passphrase could not be loaded.
        public static let keyLoadFailed = Code("keyLoadFailed")
        /// xmlsec or OpenSSL failed for a reason that is not the document's fault.
        public static let internalFailure = Code("internalFailure")
    }

    /// The check that failed.
    public var code: Code
    /// What failed, for a human.
    public var message: String

    /// An error for the failed check `code`, explained by `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

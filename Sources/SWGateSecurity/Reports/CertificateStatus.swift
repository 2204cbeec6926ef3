import SWGateXML
public import Foundation

/// One configured certificate's health, for `swgate certs check` and readiness probes.
public struct CertificateStatus: Codable, Sendable, Hashable {
    /// The verdict.
    public enum Status: String, Codable, Sendable {
        case ok, expiring, expired, notYetValid, untrusted, revoked
        /// Whether this status makes the check fail (exit 1).
        public var isFailure: Bool { self != .ok && self != .expiring }
    }

    /// What the certificate is used for (e.g. `system key`, `trust anchor`, `partner TH`).
    public let role: String
    /// Subject distinguished name (RFC 2253).
    public let subject: String
    /// Issuer distinguished name (RFC 2253).
    public let issuer: String
    /// SHA-256 of the DER encoding, lowercase hex.
    public let fingerprintSHA256: String
    /// End of the validity period.
    public let notAfter: Date
    /// Whole days from the check until `notAfter` (negative when expired).
    public let daysRemaining: Int
    /// The verdict.
    public let status: Status
    /// Why, in words.
    public let detail: String
}

extension SecurityServices {
    /// Every configured certificate (signing keys, trust anchors, pinned partner files) with its
    /// validity, chain to the trust store and revocation state at `date`. A certificate expiring
    /// within `warningDays` is `.expiring`.
    public func certificateReport(warningDays: Int = 30, at date: Date = Date()) -> [CertificateStatus] {
        var entries: [(String, Certificate)] = [("system key", systemIdentity.certificate)]
        if organisationIdentity !== systemIdentity { entries.append(("organisation key", organisationIdentity.certificate)) }
        entries += trustStore.anchors.map { ("trust anchor", $0) }
        for partner in configuration.partners {
            for file in partner.certificateFiles {
                let certificates = (try? Certificate.load(pemFile: resolvePath(file, against: baseDirectory))) ?? []
                entries += certificates.map { ("partner \(partner.id)", $0) }
            }
        }
        var seen: Set<String> = []
        return entries.compactMap { role, certificate in
            guard seen.insert(role + certificate.fingerprintSHA256).inserted else { return nil }
            return status(of: certificate, role: role, warningDays: warningDays, at: date)
        }
    }

    private func status(of certificate: Certificate, role: String, warningDays: Int, at date: Date) -> CertificateStatus {
        let days = Int((certificate.notAfter.timeIntervalSince(date) / 86_400).rounded(.down))
        var status = CertificateStatus.Status.ok
        var detail = "valid until \(certificate.notAfter.formatted(.iso8601))"
        do throws(SignatureError) {
            if role == "trust anchor" {
                if date > certificate.notAfter {
                    throw SignatureError(.certificateExpired, "trust anchor expired on \(certificate.notAfter.formatted(.iso8601))")
                }
            } else {
                try trustStore.evaluate(certificate, at: date)
            }
            if days < warningDays {
                status = .expiring
                detail = "expires in \(days) days, on \(certificate.notAfter.formatted(.iso8601))"
            }
        } catch {
            detail = error.message
            switch error.code {
            case .certificateExpired: status = .expired
            case .certificateNotYetValid: status = .notYetValid
            case .certificateRevoked: status = .revoked
            default: status = .untrusted
            }
        }
        return CertificateStatus(role: role, subject: certificate.subject, issuer: certificate.issuer,
                                 fingerprintSHA256: certificate.fingerprintSHA256, notAfter: certificate.notAfter,
                                 daysRemaining: days, status: status, detail: detail)
    }
}

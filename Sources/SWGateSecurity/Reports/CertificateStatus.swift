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
        var entries: [(String, Certificate)] = []
        var keyDetails: [String: (status: CertificateStatus.Status, detail: String)] = [:]
        let rings = [("system key", systemKeys)] + (organisationKeys.map { [("organisation key", $0)] } ?? [])
        for (name, keys) in rings {
            let ring = keys.entries
            for (index, entry) in ring.enumerated() {
                let role = ring.count == 1 ? name : "\(name) \(index + 1)"
                entries.append((role, entry.identity.certificate))
                if ring.count > 1 { keyDetails[role] = scheduleNote(entry, in: keys, warningDays: warningDays, at: date) }
            }
            if ring.count > 1, !keys.hasKeyInForce(at: date) {
                let used = keys.entry(at: date)
                let index = ring.firstIndex { $0.identity === used.identity } ?? 0
                keyDetails["\(name) \(index + 1)"] = (.expired, "no \(name) is in force at \(date.formatted(.iso8601)); signing with this one")
            }
        }
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
            let checked = status(of: certificate, role: role, warningDays: warningDays, at: date)
            // A scheduled key's verdict is about the schedule: a retired key may expire, a key that
            // expires soon is fine when its successor takes over in time.
            guard let note = keyDetails[role] else { return checked }
            let retired = note.detail.hasPrefix("retired")
            if checked.status.isFailure, !retired, !note.status.isFailure { return checked }
            return CertificateStatus(role: role, subject: checked.subject, issuer: checked.issuer, fingerprintSHA256: checked.fingerprintSHA256,
                                     notAfter: checked.notAfter, daysRemaining: checked.daysRemaining, status: note.status, detail: note.detail)
        }
    }

    /// The verdict on a key of a schedule of several: retired, in force (with or without a
    /// successor before it expires) or waiting for its period.
    private func scheduleNote(_ entry: SigningKeyRing.Entry, in keys: SigningKeyRing, warningDays: Int, at date: Date)
        -> (status: CertificateStatus.Status, detail: String)
    {
        let ring = keys.entries
        let iso = { (d: Date) in d.formatted(.iso8601) }
        if entry.useUntil < date {
            return (.ok, "retired: signed until \(iso(entry.useUntil)); it may be removed from the configuration")
        }
        if entry.useFrom > date {
            return (.ok, "next: signs from \(iso(entry.useFrom)) until \(iso(entry.useUntil))")
        }
        guard keys.entry(at: date).identity === entry.identity else {
            return (.ok, "overlap: a newer key is in force; this one may sign until \(iso(entry.useUntil))")
        }
        let successor = ring.filter { $0.identity !== entry.identity && $0.useFrom > entry.useFrom && $0.useFrom <= entry.useUntil }
            .min { $0.useFrom < $1.useFrom }
        let days = Int((entry.useUntil.timeIntervalSince(date) / 86_400).rounded(.down))
        if let successor {
            return (.ok, "in force until \(iso(successor.useFrom)), then the next key takes over (signing period ends \(iso(entry.useUntil)))")
        }
        if days < warningDays {
            return (.expiring, "in force; its signing period ends in \(days) days, on \(iso(entry.useUntil)), and no configured key takes over")
        }
        return (.ok, "in force until \(iso(entry.useUntil))")
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

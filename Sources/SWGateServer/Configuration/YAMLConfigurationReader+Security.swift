import Foundation
import SWGateSecurity
import Yams

/// The `security` section: the gateway's keys, trust anchors, CRLs, partners and NSW parties.
/// Present, it replaces the development layout of `certificates.directory` entirely, so it must
/// name everything a production gateway trusts; the checks below say what is missing.
extension YAMLConfigurationReader {
    func security(_ node: Node) throws(ConfigurationError) -> SecurityConfiguration {
        var systemKey: KeySource?
        var schedule: [ScheduledKeySource] = []
        var organisationSchedule: [ScheduledKeySource] = []
        var organisationKey: KeySource?
        var trustAnchors: [String]?
        var crls: [String] = []
        var partners: [PartnerConfiguration]?
        var clockSkew: Double = 300
        var lifetime: Double = 300
        var localParty: NSWParty?
        var nswParty: NSWParty?
        for (k, v) in try mapping(node, "security") {
            let path = "security." + k.text
            switch k.text {
            case "system_key": systemKey = try keySource(v, path)
            case "system_keys": schedule = try keySchedule(v, path)
            case "organisation_keys": organisationSchedule = try keySchedule(v, path)
            case "organisation_key": organisationKey = try keySource(v, path)
            case "trust_anchors": trustAnchors = try strings(v, path)
            case "crls": crls = try strings(v, path)
            case "clock_skew", "clock_skew_seconds": clockSkew = seconds(try duration(k, v, .clockSkew, in: "security"))
            case "timestamp_lifetime", "timestamp_lifetime_seconds":
                lifetime = seconds(try duration(k, v, .timestampLifetime, in: "security"))
            case "local_party": localParty = try party(v, path)
            case "nsw_party": nswParty = try party(v, path)
            case "partners":
                partners = try sequence(v, path).enumerated().map { index, item throws(ConfigurationError) in
                    try partner(item, "\(path)[\(index)]")
                }
            default: throw unknown(k, "security")
            }
        }
        if systemKey != nil, !schedule.isEmpty {
            throw error(node, "security.system_keys", "give system_key or system_keys, not both")
        }
        if organisationKey != nil, !organisationSchedule.isEmpty {
            throw error(node, "security.organisation_keys", "give organisation_key or organisation_keys, not both")
        }
        guard let systemKey = systemKey ?? schedule.first?.source else {
            throw error(node, "security.system_key", "is required: the gateway's signing key and certificate (or system_keys)")
        }
        guard let trustAnchors, !trustAnchors.isEmpty else {
            throw error(node, "security.trust_anchors", "is required: at least one PEM file of CA certificates partners chain to")
        }
        guard let partners, !partners.isEmpty else {
            throw error(node, "security.partners", "is required: the partners whose signatures are accepted")
        }
        guard let localParty else { throw error(node, "security.local_party", "is required: the gateway's party in NSW headers") }
        guard let nswParty else { throw error(node, "security.nsw_party", "is required: the NSW's party in NSW headers") }
        var configuration = SecurityConfiguration(
            systemKey: systemKey, organisationKey: organisationKey ?? organisationSchedule.first?.source, trustAnchors: trustAnchors,
            crls: crls, partners: partners,
            clockSkewSeconds: clockSkew, timestampLifetimeSeconds: lifetime, localParty: localParty, nswParty: nswParty)
        configuration.systemKeySchedule = schedule
        configuration.organisationKeySchedule = organisationSchedule
        return configuration
    }

    /// `system_keys` / `organisation_keys`: keys with optional `use_from` and `use_until`.
    private func keySchedule(_ node: Node, _ path: String) throws(ConfigurationError) -> [ScheduledKeySource] {
        let schedule = try sequence(node, path).enumerated().map { index, item throws(ConfigurationError) in
            var period = KeyPeriod()
            let source = try keySource(item, "\(path)[\(index)]", period: &period)
            return ScheduledKeySource(source: source, useFrom: period.from, useUntil: period.until)
        }
        guard !schedule.isEmpty else { throw error(node, path, "needs at least one key") }
        return schedule
    }

    /// The signing period of a key in `system_keys` (`use_from`, `use_until`).
    struct KeyPeriod {
        var from: Date?
        var until: Date?
        var allowed = true
    }

    private func keySource(_ node: Node, _ prefix: String) throws(ConfigurationError) -> KeySource {
        var period = KeyPeriod(allowed: false)
        return try keySource(node, prefix, period: &period)
    }

    private func keySource(_ node: Node, _ prefix: String, period: inout KeyPeriod) throws(ConfigurationError) -> KeySource {
        var format = KeySource.Format.pem
        var key: String?
        var certificate: String?
        var passphraseVariable: String?
        for (k, v) in try mapping(node, prefix) {
            let path = prefix + "." + k.text
            switch k.text {
            case "format":
                let text = try string(v, path)
                guard let value = KeySource.Format(rawValue: text) else { throw error(v, path, "expected pem or pkcs12, got \"\(text)\"") }
                format = value
            case "key": key = try string(v, path)
            case "certificate": certificate = try string(v, path)
            case "passphrase_env":
                let name = try string(v, path)
                guard !name.isEmpty, name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) else {
                    throw error(v, path, "expected the name of an environment variable (the passphrase itself never goes in the file)")
                }
                passphraseVariable = name
            case "use_from" where period.allowed: period.from = try instant(v, path)
            case "use_until" where period.allowed: period.until = try instant(v, path)
            default: throw unknown(k, prefix)
            }
        }
        guard let key else { throw error(node, prefix + ".key", "is required: the PEM private key or the PKCS#12 file") }
        if format == .pem, certificate == nil {
            throw error(node, prefix + ".certificate", "is required with a PEM key: the PEM certificate (leaf first)")
        }
        if let from = period.from, let until = period.until, from >= until {
            throw error(node, prefix + ".use_until", "must be after use_from")
        }
        if format == .pkcs12, certificate != nil {
            throw error(node, prefix + ".certificate", "does not apply to PKCS#12: the certificate comes from the .p12 file")
        }
        return KeySource(format: format, keyPath: key, certificatePath: certificate, passphraseEnvironmentVariable: passphraseVariable)
    }

    private func partner(_ node: Node, _ prefix: String) throws(ConfigurationError) -> PartnerConfiguration {
        var partner = PartnerConfiguration(id: "")
        for (k, v) in try mapping(node, prefix) {
            let path = prefix + "." + k.text
            switch k.text {
            case "id": partner.id = try string(v, path)
            case "certificate_files": partner.certificateFiles = try strings(v, path)
            case "certificate_fingerprints":
                partner.certificateFingerprints = try strings(v, path)
                for fingerprint in partner.certificateFingerprints where fingerprint.filter(\.isHexDigit).count != 64 {
                    throw error(v, path, "\"\(fingerprint)\" is not a SHA-256 fingerprint (64 hex digits, colons allowed)")
                }
            case "subjects": partner.subjects = try strings(v, path)
            case "allow_sha1": partner.allowSHA1 = try boolean(v, path)
            default: throw unknown(k, prefix)
            }
        }
        guard !partner.id.isEmpty else { throw error(node, prefix + ".id", "is required: the identity the partner claims in messages") }
        guard !(partner.certificateFiles.isEmpty && partner.certificateFingerprints.isEmpty && partner.subjects.isEmpty) else {
            throw error(node, prefix, "partner \(partner.id) needs certificate_files, certificate_fingerprints or subjects")
        }
        return partner
    }

    private func party(_ node: Node, _ prefix: String) throws(ConfigurationError) -> NSWParty {
        var fields: [String: String] = [:]
        for (k, v) in try mapping(node, prefix) {
            guard ["name", "identity", "country_code", "ministry_code", "organization_code", "unit_code"].contains(k.text) else {
                throw unknown(k, prefix)
            }
            fields[k.text] = try string(v, prefix + "." + k.text)
        }
        for required in ["name", "identity", "country_code", "ministry_code", "organization_code"] where fields[required] == nil {
            throw error(node, prefix + "." + required, "is required")
        }
        return NSWParty(
            name: fields["name"]!, identity: fields["identity"]!, countryCode: fields["country_code"]!, ministryCode: fields["ministry_code"]!,
            organizationCode: fields["organization_code"]!, unitCode: fields["unit_code"])
    }

    /// An instant: `2027-03-01T00:00:00Z` (ISO 8601 with a zone) or a date `2027-03-01` (midnight UTC).
    private func instant(_ node: Node, _ path: String) throws(ConfigurationError) -> Date {
        let text = try string(node, path)
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text + "T00:00:00Z", strategy: .iso8601) { return date }
        throw error(node, path, "expected an ISO 8601 instant such as 2027-03-01T00:00:00Z or a date 2027-03-01, got \"\(text)\"")
    }

    private func boolean(_ node: Node, _ path: String) throws(ConfigurationError) -> Bool {
        switch try string(node, path) {
        case "true", "yes": return true
        case "false", "no": return false
        case let text: throw error(node, path, "expected true or false, got \"\(text)\"")
        }
    }
}

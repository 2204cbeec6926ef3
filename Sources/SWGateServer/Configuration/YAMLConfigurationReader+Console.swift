import Foundation
import SWGateConsole
import Yams

// Session keys are new: only their duration spelling is read (the integer spelling DurationSetting names is never matched).
extension DurationSetting {
    static let sessionIdle = DurationSetting(
        key: "session_idle", deprecatedKey: "session_idle_seconds", deprecatedUnit: .seconds(1), range: .seconds(60)...(.seconds(86_400)))
    static let sessionLifetime = DurationSetting(
        key: "session_lifetime", deprecatedKey: "session_lifetime_seconds", deprecatedUnit: .seconds(1), range: .seconds(60)...(.seconds(7 * 86_400)))
    static let signInWindow = DurationSetting(
        key: "sign_in_window", deprecatedKey: "sign_in_window_seconds", deprecatedUnit: .seconds(1), range: .seconds(10)...(.seconds(86_400)))
    /// Read in both spellings: `certificate_warning_days` was an integer before durations were one convention.
    static let certificateWarning = DurationSetting(
        key: "certificate_warning", deprecatedKey: "certificate_warning_days", deprecatedUnit: .seconds(86_400),
        range: .seconds(86_400)...(.seconds(3650 * 86_400)))
}

extension YAMLConfigurationReader {
    /// The `console` section: operators and session settings.
    func console(_ node: Node, base: ConsoleSettings) throws(ConfigurationError) -> ConsoleSettings {
        var settings = base
        for (k, v) in try mapping(node, "console") {
            let path = "console." + k.text
            switch k.text {
            case "enabled":
                guard let flag = v.bool else { throw error(v, path, "must be true or false") }
                settings.enabled = flag
            case "secure_cookies":
                let text = try string(v, path)
                guard let value = ConsoleSettings.SecureCookies(rawValue: text) else {
                    throw error(v, path, "must be auto, always or never, not \"\(text)\"")
                }
                settings.secureCookies = value
            case "session_idle": settings.sessionIdle = try duration(k, v, .sessionIdle, in: "console")
            case "session_lifetime": settings.sessionLifetime = try duration(k, v, .sessionLifetime, in: "console")
            case "sign_in_window": settings.signInWindow = try duration(k, v, .signInWindow, in: "console")
            case "sign_in_failures": settings.signInFailures = try integer(v, path, 1...1000)
            case "certificate_warning", "certificate_warning_days":
                let window = try duration(k, v, .certificateWarning, in: "console")
                settings.certificateWarningDays = Int(window.components.seconds / 86_400)
            case "operators":
                settings.operators = try sequence(v, path).enumerated().map { index, item throws(ConfigurationError) in
                    try consoleOperator(item, "\(path)[\(index)]")
                }
                var names: Set<String> = []
                for account in settings.operators where !names.insert(account.name).inserted {
                    throw error(v, path, "operator \"\(account.name)\" is listed twice")
                }
            default: throw unknown(k, "console")
            }
        }
        return settings
    }

    private func consoleOperator(_ node: Node, _ prefix: String) throws(ConfigurationError) -> ConsoleOperator {
        var name: String?
        var hash: String?
        var role = ConsoleRole.viewer
        var zone: String?
        var language = ConsoleLanguage.english
        for (k, v) in try mapping(node, prefix) {
            let path = prefix + "." + k.text
            switch k.text {
            case "name":
                let text = try string(v, path)
                guard !text.isEmpty, text.count <= 64, text.allSatisfy({ $0.isLetter || $0.isNumber || "-_.@".contains($0) }) else {
                    throw error(v, path, "must be 1–64 letters, digits, '-', '_', '.' or '@'")
                }
                name = text
            case "password_hash":
                let text = try string(v, path)
                guard let parsed = PasswordHash(text) else {
                    throw error(v, path, "must be a hash made by `swgate console hash-password` (pbkdf2-sha256$…), never a password")
                }
                guard parsed.iterations >= PasswordHash.minimumIterations else {
                    throw error(v, path, "uses \(parsed.iterations) iterations; at least \(PasswordHash.minimumIterations) are required")
                }
                hash = text
            case "role":
                let text = try string(v, path)
                guard let value = ConsoleRole(rawValue: text) else { throw error(v, path, "must be viewer or operator, not \"\(text)\"") }
                role = value
            case "time_zone":
                let text = try string(v, path)
                guard TimeZone(identifier: text) != nil else {
                    throw error(v, path, "unknown time zone \"\(text)\" (use an IANA name such as Asia/Ho_Chi_Minh)")
                }
                zone = text
            case "language":
                let text = try string(v, path)
                guard let value = ConsoleLanguage(rawValue: text) else { throw error(v, path, "must be en or vi, not \"\(text)\"") }
                language = value
            default: throw unknown(k, prefix)
            }
        }
        guard let name else { throw error(node, prefix, "needs a name") }
        guard let hash else { throw error(node, prefix, "needs a password_hash") }
        return ConsoleOperator(name: name, passwordHash: hash, role: role, timeZone: zone, language: language)
    }
}

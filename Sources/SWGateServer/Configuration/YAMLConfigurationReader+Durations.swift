import SWGateStore
import SWGateXML
import Yams

/// What one read of a file noticed besides the values: deprecation warnings, and which spelling
/// of each duration setting was used (so that giving both is caught).
final class ConfigurationReadLog {
    var warnings: [ConfigurationWarning] = []
    /// Full key path of the setting (`delivery.initial_backoff`) → the key node that set it.
    var durationKeys: [String: Node] = [:]
}

extension YAMLConfigurationReader {
    /// Reads `value`, written under `key` (the new or the deprecated spelling of `setting`) in the
    /// section `parent` (`""` at the top level). The deprecated spelling adds a warning naming
    /// file:line and the new key; both spellings of one setting is an error.
    func duration(_ key: Node, _ value: Node, _ setting: DurationSetting, in parent: String) throws(ConfigurationError) -> Duration {
        let prefix = parent.isEmpty ? "" : parent + "."
        let path = prefix + key.text
        let settingPath = prefix + setting.key
        if let earlier = log.durationKeys[settingPath] {
            let line = earlier.mark.map { " (line \($0.line))" } ?? ""
            throw error(key, path, "sets the same value as \(prefix + earlier.text)\(line): keep only \(settingPath)")
        }
        log.durationKeys[settingPath] = key
        let result: Duration
        if key.text == setting.deprecatedKey {
            let count = try integer(value, path, 0...(1 << 40))
            result = setting.deprecatedUnit * count
            log.warnings.append(
                ConfigurationWarning(
                    location: file + (key.mark.map { ":\($0.line):\($0.column)" } ?? ""), keyPath: path,
                    message: "deprecated key, read for one more release: write \(settingPath): \(HumanDuration.format(result))"))
        } else {
            let text = try string(value, path)
            do {
                result = try HumanDuration.parse(text, allowZero: setting.allowsZero)
            } catch {
                throw self.error(value, path, error.reason)
            }
        }
        guard setting.range.contains(result) else {
            let range = "\(HumanDuration.format(setting.range.lowerBound))…\(HumanDuration.format(setting.range.upperBound))"
            throw error(value, path, "must be \(range), got \(HumanDuration.format(result))")
        }
        return result
    }

    /// `duration` in seconds, for settings kept as `TimeInterval` (the security section's).
    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// `listen.xml`: the caps on every XML document the listener parses.
    func xmlLimits(_ node: Node, _ prefix: String, base: XMLLimits) throws(ConfigurationError) -> XMLLimits {
        var limits = base
        for (k, v) in try mapping(node, prefix) {
            let path = prefix + "." + k.text
            switch k.text {
            case "max_bytes": limits.maxBytes = try integer(v, path, 1024...(1 << 30))
            case "max_depth": limits.maxDepth = try integer(v, path, 2...256)
            case "max_nodes": limits.maxNodes = try integer(v, path, 16...100_000_000)
            default: throw unknown(k, prefix)
            }
        }
        return limits
    }
}

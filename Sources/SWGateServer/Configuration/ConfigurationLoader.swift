public import Foundation
import Yams

/// Reads a ``GatewayConfiguration``: embedded defaults, then the YAML file (if any), then the
/// environment. Unknown keys, wrong types and out-of-range values are errors with file:line:column.
public struct ConfigurationLoader: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Loads `file` (nil: embedded defaults only) and applies the environment overrides.
    public func load(file: String?) throws(ConfigurationError) -> GatewayConfiguration {
        var warnings: [ConfigurationWarning] = []
        return try load(file: file, warnings: &warnings)
    }

    /// Loads `file` like ``load(file:)`` and appends what still works but should change (deprecated
    /// keys, with file:line and the key to write instead) to `warnings`.
    public func load(file: String?, warnings: inout [ConfigurationWarning]) throws(ConfigurationError) -> GatewayConfiguration {
        var configuration = GatewayConfiguration()
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ConfigurationError(location: file, keyPath: "", message: "cannot read the configuration file (missing or not readable)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw ConfigurationError(location: file, keyPath: "", message: "the file is not UTF-8 text")
            }
            return try load(yaml: text, file: file, warnings: &warnings)
        }
        try EnvironmentOverrides(environment: environment).apply(to: &configuration)
        try ConfigurationChecks.check(configuration)
        return configuration
    }

    /// Loads the YAML `text` of a configuration file (named `file` in errors) over the embedded
    /// defaults, then the environment overrides and the checks, as ``load(file:warnings:)`` does
    /// with a file's contents.
    public func load(yaml text: String, file: String, warnings: inout [ConfigurationWarning]) throws(ConfigurationError) -> GatewayConfiguration {
        var configuration = GatewayConfiguration()
        let reader = YAMLConfigurationReader(file: file)
        try reader.apply(text, to: &configuration)
        warnings += reader.log.warnings
        try EnvironmentOverrides(environment: environment).apply(to: &configuration)
        try ConfigurationChecks.check(configuration)
        return configuration
    }
}

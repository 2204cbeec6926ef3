import Foundation
import SWGateServer

/// The YAML configuration reader (`swgate serve --config FILE`): Yams' parser, the reader's walk
/// with located errors, the environment overrides and the checks.
struct ConfigurationTarget: FuzzTarget {
    let name = "config-yaml"
    let loader = ConfigurationLoader(environment: [:])

    func run(_ input: [UInt8]) {
        // The loader reads files as UTF-8 and refuses anything else before the YAML parser.
        guard let text = String(bytes: input, encoding: .utf8) else { return }
        var warnings: [ConfigurationWarning] = []
        do {
            _ = try loader.load(yaml: text, file: "fuzz.yaml", warnings: &warnings)
        } catch {
            if error.message.isEmpty { finding("a configuration error without a message at \(error.location)") }
        }
    }
}

import SWGateServer

/// Loads `--config FILE` (or the embedded defaults) with the `SWGATE_…` overrides, as every
/// command that takes `--config` does, and prints each deprecation warning to standard error,
/// so an operator sees "write `max_backoff: 5m` instead" from `outbox stats` as from `serve`.
func loadConfiguration(file: String?) throws(ConfigurationError) -> GatewayConfiguration {
    var warnings: [ConfigurationWarning] = []
    let configuration = try ConfigurationLoader().load(file: file, warnings: &warnings)
    for warning in warnings { printError("warning: \(warning)") }
    return configuration
}

/// Something in the configuration that still works but should change, e.g. a deprecated key.
/// `swgate serve` prints each one on standard error when it starts.
public struct ConfigurationWarning: Sendable, Hashable, CustomStringConvertible {
    /// `swgate.yaml:12:3`: where the key is written.
    public var location: String
    /// The key path as written, e.g. `delivery.initial_backoff_ms`.
    public var keyPath: String
    public var message: String

    public var description: String { "\(location): \(keyPath): \(message)" }
}

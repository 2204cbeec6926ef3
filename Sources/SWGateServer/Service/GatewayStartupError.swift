/// Why the gateway could not start: a configuration, store, key or schema problem. `swgate serve`
/// prints it and exits 2.
public struct GatewayStartupError: Error, Sendable, CustomStringConvertible {
    /// What failed: `configuration`, `store`, `keys`, `schemas`.
    public var component: String
    public var message: String

    public init(_ component: String, _ message: String) {
        self.component = component
        self.message = message
    }

    public var description: String { "\(component): \(message)" }
}

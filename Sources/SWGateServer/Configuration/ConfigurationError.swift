/// A configuration problem, located precisely: the file and line, or the key path (for an
/// environment variable), and what is wrong. `swgate serve` prints it and exits 2.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `swgate.yaml:12:3`, `SWGATE_LISTEN_PORT`, or the file alone when it cannot be read.
    public var location: String
    /// The key path, e.g. `destinations.nsw.url`; empty for a syntax error.
    public var keyPath: String
    public var message: String

    public init(location: String, keyPath: String, message: String) {
        self.location = location
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        keyPath.isEmpty ? "\(location): \(message)" : "\(location): \(keyPath): \(message)"
    }
}

/// What an operator may do in the console.
public enum ConsoleRole: String, Sendable, Hashable, CaseIterable {
    /// Reads everything: dashboard, search, messages, downloads, audit, chain verification.
    case viewer
    /// A viewer who may also replay failed and dead deliveries.
    case `operator`

    /// Whether this role may put deliveries back in the queue.
    public var mayReplay: Bool { self == .operator }
}

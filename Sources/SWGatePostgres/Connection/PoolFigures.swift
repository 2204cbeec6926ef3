/// How busy an instance's connection pool is, for the `swgate_store_pool_connections` gauge.
///
/// The pool opens connections when they are needed, up to `maximum`; `available` is what an
/// operation can still get without waiting (`maximum − inUse`), not a count of open idle connections.
public struct PoolFigures: Sendable, Hashable {
    /// Connections held by store operations now.
    public var inUse: Int
    /// Store operations waiting for a connection.
    public var waiting: Int
    /// The configured pool size (`store.pool`).
    public var maximum: Int
    /// Connections an operation can still get without waiting.
    public var available: Int { max(0, maximum - inUse) }

    public init(inUse: Int, waiting: Int, maximum: Int) {
        self.inUse = inUse
        self.waiting = waiting
        self.maximum = maximum
    }
}

/// An error from the outbox store, with an extensible code, a human reason and, where known,
/// the underlying cause (for example SQLite's own message).
public struct OutboxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is. New codes can be added without breaking clients.
    public struct Code: StringCode {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// The store file does not exist (read commands never create one).
        public static let storeMissing = Code("store-missing")
        /// The file is not a SQLite database or its content is damaged.
        public static let storeCorrupted = Code("store-corrupted")
        /// Another process held the write lock for longer than the busy timeout.
        public static let storeLocked = Code("store-locked")
        /// The store could not be opened or configured (permissions, pragma refused, …).
        public static let storeUnavailable = Code("store-unavailable")
        /// No message or delivery has the given id.
        public static let unknownID = Code("unknown-id")
        /// The same idempotency key was presented with different content.
        public static let idempotencyConflict = Code("idempotency-conflict")
        /// An `Idempotency-Key` (a submission key) was presented again with different content.
        public static let submissionConflict = Code("submission-conflict")
        /// An amendment or cancellation names a predecessor the store has never accepted.
        public static let unknownPredecessor = Code("unknown-predecessor")
        /// The request itself is malformed (no destinations, empty conversation, …).
        public static let invalidRequest = Code("invalid-request")
        /// A duration such as `15m` could not be parsed.
        public static let badDuration = Code("bad-duration")
        /// Any other database failure.
        public static let database = Code("database")
    }

    public var code: Code
    public var reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }
}

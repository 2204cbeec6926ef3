/// What an audit entry records. Extensible: new events don't break clients.
public struct AuditEvent: StringCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let accepted = AuditEvent("accepted")
    public static let sending = AuditEvent("sending")
    public static let delivered = AuditEvent("delivered")
    public static let retryScheduled = AuditEvent("retry-scheduled")
    public static let failed = AuditEvent("failed")
    public static let dead = AuditEvent("dead")
    public static let replayed = AuditEvent("replayed")
    public static let purged = AuditEvent("purged")
    public static let leaseReclaimed = AuditEvent("lease-reclaimed")
}

public import SWGateStore

/// What the console writes to the audit log besides replays, each with the operator's name as
/// its actor: the audit log answers "who did what" for reading as well as for changing.
extension AuditEvent {
    /// An operator signed in (detail: the role).
    public static let signedIn = AuditEvent("signed-in")
    /// A sign-in was refused for a wrong name or password; the actor is the name typed.
    public static let signInFailed = AuditEvent("sign-in-failed")
    public static let signedOut = AuditEvent("signed-out")
    /// An operator ran the chain verification (detail: its result).
    public static let auditVerified = AuditEvent("audit-verified")
    /// An operator downloaded the bytes a delivery sends (detail: size and SHA-256).
    public static let payloadDownloaded = AuditEvent("payload-downloaded")
    /// An operator downloaded a receipt (detail: which, size and SHA-256).
    public static let receiptDownloaded = AuditEvent("receipt-downloaded")
    /// An operator exported a search as CSV (detail: the rows and the criteria).
    public static let exported = AuditEvent("exported")
}

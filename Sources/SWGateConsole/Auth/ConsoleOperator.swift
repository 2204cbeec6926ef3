/// One person allowed into the console (`console.operators` in the configuration).
public struct ConsoleOperator: Sendable, Hashable {
    /// The name shown in pages and written as the actor of every audit entry the operator causes.
    public var name: String
    /// The stored form of ``PasswordHash``; never a password.
    public var passwordHash: String
    public var role: ConsoleRole
    /// IANA zone in which the console shows times to this operator (`Asia/Ho_Chi_Minh`); UTC when unset.
    public var timeZone: String?
    /// Labels in English (default) or Vietnamese; the operator can switch per session.
    public var language: ConsoleLanguage

    public init(name: String, passwordHash: String, role: ConsoleRole, timeZone: String? = nil, language: ConsoleLanguage = .english) {
        self.language = language
        self.name = name
        self.passwordHash = passwordHash
        self.role = role
        self.timeZone = timeZone
    }
}

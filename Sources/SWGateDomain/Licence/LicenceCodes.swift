/// What a licence document does (`Licence/Function`).
public enum LicenceFunction: String, Sendable, Hashable, Codable, CaseIterable {
    /// A new licence.
    case issue = "ISSUE"
    /// A replacement for an issued licence.
    case amend = "AMEND"
    /// Revocation of an issued licence.
    case revoke = "REVOKE"
}

/// Whether a licence permits importing or exporting its goods lines (`Licence/LicenceType`).
public enum LicenceType: String, Sendable, Hashable, Codable, CaseIterable {
    case `import` = "IMPORT"
    case export = "EXPORT"
}

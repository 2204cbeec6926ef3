extension RuleID {
    // MARK: Import/export licence business rules
    /// `ValidTo` is not before `ValidFrom`.
    public static let licenceValidityOrder = RuleID("LIC-VALIDITY-ORDER")
    /// A licence being issued (`ISSUE`) is not already expired: `ValidTo` is not before today.
    public static let licenceValidityPast = RuleID("LIC-VALIDITY-PAST")
    /// The issue date is not in the future (one day of tolerance, as for Form D).
    public static let licenceIssueDateFuture = RuleID("LIC-DATE-FUTURE")
    /// HS code has 6, 8, 10 or 12 digits and starts with an existing chapter (01–97, not 77).
    public static let licenceHSCode = RuleID("LIC-HS-CODE")
    /// Every goods line's quantity is greater than zero.
    public static let licenceQuantity = RuleID("LIC-QUANTITY")
    /// Every goods line's unit is in the licence unit code table (``LicenceUnits``).
    public static let licenceUnit = RuleID("LIC-UNIT")
    /// Goods line numbers run 1, 2, …, n in document order.
    public static let licenceLineNumbers = RuleID("LIC-LINE-NUMBERS")
    /// AMEND and REVOKE name the licence they replace (a different one, issued on or before
    /// this one); ISSUE names none.
    public static let licenceReplacement = RuleID("LIC-REPLACES")

    /// Every import/export licence business rule, for documentation and for the test that
    /// each has an invalid fixture under `Fixtures/licence/invalid/`.
    public static let licenceCatalogue: [RuleID] = [
        .licenceValidityOrder, .licenceValidityPast, .licenceIssueDateFuture,
        .licenceHSCode, .licenceQuantity, .licenceUnit, .licenceLineNumbers,
        .licenceReplacement,
    ]
}

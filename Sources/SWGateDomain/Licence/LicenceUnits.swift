/// Units of measure a licence's goods line may use (`GoodsLine/Unit`): UN/ECE Recommendation 20
/// codes for mass, volume and counts, the quantities a licence for goods such as precursor
/// chemicals is written in. See docs/code-tables.md.
public enum LicenceUnits {
    public static let codes: [String: String] = [
        "KGM": "kilogram",
        "TNE": "tonne (metric ton)",
        "GRM": "gram",
        "LTR": "litre",
        "MLT": "millilitre",
        "MTQ": "cubic metre",
        "C62": "one (pieces)",
        "NAR": "number of articles (pieces)",
    ]

    /// Whether `code` is in the table.
    public static func contains(_ code: String) -> Bool { codes[code] != nil }
}

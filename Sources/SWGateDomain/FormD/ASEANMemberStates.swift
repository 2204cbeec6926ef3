/// The ten ASEAN member states, by ISO 3166-1 alpha-2 code. ATIGA Form D is issued by one
/// of them for goods imported into another.
public enum ASEANMemberStates {
    public static let codes: [String: String] = [
        "BN": "Brunei Darussalam",
        "KH": "Cambodia",
        "ID": "Indonesia",
        "LA": "Lao PDR",
        "MY": "Malaysia",
        "MM": "Myanmar",
        "PH": "Philippines",
        "SG": "Singapore",
        "TH": "Thailand",
        "VN": "Viet Nam",
    ]

    /// Whether `code` is an ASEAN member state.
    public static func contains(_ code: String) -> Bool { codes[code] != nil }
}

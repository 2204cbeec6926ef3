/// The shape of an HS code beyond the schemas' "6 to 12 digits", shared by the Form D and
/// licence rules.
enum HSCodeShape {
    /// What is wrong with `code`, one message per problem; empty when the shape is right, and
    /// also when `code` is not 6 or more digits (that is the schema's to report).
    static func problems(_ code: String) -> [String] {
        guard code.count >= 6, code.allSatisfy(\.isASCIIDigit) else { return [] }  // the schema's pattern
        var problems: [String] = []
        if code.count % 2 != 0 {
            problems.append("HS code '\(code)' has \(code.count) digits; HS codes are 6 digits, or national lines of 8, 10 or 12")
        }
        let chapter = Int(code.prefix(2)) ?? 0
        if chapter < 1 || chapter > 97 || chapter == 77 {
            problems.append("HS code '\(code)' starts with chapter \(code.prefix(2)), which does not exist")
        }
        return problems
    }
}

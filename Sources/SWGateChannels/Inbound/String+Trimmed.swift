import Foundation

extension String {
    /// Without leading and trailing whitespace and newlines (element text read from partners' XML).
    package var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

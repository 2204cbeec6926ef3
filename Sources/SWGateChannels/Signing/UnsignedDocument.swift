package import Foundation
package import SWGateDomain
import SWGateSecurity
package import SWGateStore
import SWGateXML

/// A delivery's payload when it is a business document stored unsigned at intake: its profile
/// (found by the payload's media type) and its summary (stored with the message at intake, so it
/// is not computed again here; read from the document only for messages stored before summaries
/// were kept).
package struct UnsignedDocument {
    package var profile: DocumentProfile
    package var summary: DocumentSummary

    /// Shared by every delivery: decoding with unchanged settings is thread-safe.
    private static let decoder = JSONDecoder()

    /// Nil when the payload is not an unsigned business document of a known profile.
    package init?(_ delivery: ClaimedDelivery, profiles: DocumentProfiles) {
        guard let profile = profiles.profile(mediaType: delivery.contentType) else { return nil }
        self.profile = profile
        if let stored = delivery.summary,
            let summary = DocumentSummary(storedJSON: stored) ?? (try? Self.decoder.decode(DocumentSummary.self, from: stored))
        {
            self.summary = summary
        } else if let document = try? XMLDocument(bytes: Array(delivery.payload)), let summary = profile.summarize(document.root) {
            self.summary = summary
        } else {
            return nil
        }
    }
}

extension DocumentProfiles {
    /// The profile whose stored, unsigned documents have `mediaType`.
    package func profile(mediaType: String) -> DocumentProfile? {
        all.first { $0.mediaType == mediaType }
    }
}

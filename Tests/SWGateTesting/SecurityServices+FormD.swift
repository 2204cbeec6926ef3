public import Foundation
public import SWGateDomain
public import SWGateSecurity
import SWGateTesting
import SWGateXML
import SWGateNSW
import SWGateAS4

/// Test conveniences: sign a bare Form D the way the channels do, through its profile (the
/// signature module itself knows no document type).
extension SecurityServices {
    /// The Form D profile over the shared schemas.
    public static var formDProfile: DocumentProfile { DocumentProfile.formD(try! SchemaCatalog.shared()) }

    /// The summary of a bare Form D, read as intake reads it.
    /// - Throws: `.malformedMessage` when `document` is not a readable Form D.
    public static func formDSummary(_ document: [UInt8]) throws(SignatureError) -> DocumentSummary {
        let root: XMLElement
        do { root = try XMLDocument(bytes: document).root } catch { throw SignatureError(.malformedMessage, "\(error)") }
        guard formDProfile.matches(root), let summary = formDProfile.summarize(root) else {
            throw SignatureError(.malformedMessage, "not a Form D with reference, function, countries and issue date")
        }
        return summary
    }

    /// Bare Form D `document` in a signed NSW envelope.
    public func signFormDForNSW(_ document: [UInt8], messageId: String = UUID().uuidString.lowercased(), at date: Date = Date())
        throws(SignatureError) -> [UInt8]
    {
        try signForNSW(document, summary: Self.formDSummary(document), codes: Self.formDProfile.nsw!, messageId: messageId, at: date)
    }

    /// Bare Form D `document` in a signed AS4 user message.
    public func signFormDForAS4(_ document: [UInt8], at date: Date = Date()) throws(SignatureError) -> [UInt8] {
        try signForAS4(document, summary: Self.formDSummary(document), codes: Self.formDProfile.as4!, at: date)
    }
}

import SWGateStore
import SWGateXML
import SWGateDelivery
import SWGateChannels
public import Foundation
public import SWGateDomain
public import SWGateSecurity

extension SecurityServices {
    /// Wraps business `document` (described by `summary` and its profile's NSW `codes`) in an NSW
    /// envelope from ``SecurityConfiguration/localParty`` to ``SecurityConfiguration/nswParty`` and
    /// signs it (Content signature + SystemSignature).
    public func signForNSW(
        _ document: [UInt8], summary: DocumentSummary, codes: DocumentProfile.NSWCodes, messageId: String? = nil,
        at date: Date = Date()
    ) throws(SignatureError) -> [UInt8] {
        let builder = NSWEnvelopeBuilder(from: configuration.localParty, to: configuration.nswParty)
        let envelope = builder.envelope(document: document, summary: summary, codes: codes, messageId: messageId, sendDate: date)
        return try signNSWEnvelope(Array(envelope.utf8), at: date)
    }
}

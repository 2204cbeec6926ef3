import Foundation
package import SWGateDelivery
package import SWGateDomain
package import SWGateStore

/// Sign at delivery: a delivery whose payload is a business document stored unsigned at intake
/// (its profile's media type, e.g. `application/vnd.swgate.form-d+xml`) is signed at its attempts
/// until one of them is recorded; the engine stores the signed bytes in its place with that
/// attempt's completion (``DeliveryAttempt/signed``), so every later retry and every operator replay
/// sends exactly the same signed bytes.
///
/// Before that, the bytes are a function of what the store holds: the document, its summary, the
/// wire message id and ``ClaimedDelivery/firstClaimedAt`` (the date in the message). So when the
/// process dies after sending but before the completion is recorded, the next attempt signs the
/// same bytes again (RSA signatures are deterministic) and the partner receives the same message
/// twice, as with any retry. Only a change of the key in force in between (a rollover), or a
/// gateway key that is ECDSA (whose signatures are randomised), gives a different signature value
/// over the same content, digests and message id.
package enum SignAtDelivery {
    /// The bytes to send, and the signed message to store with the completion when this attempt
    /// signed them (then the channel also knows what it just built and need not parse it back).
    package struct Payload {
        package var bytes: [UInt8]
        package var signed: SignedPayload?
    }

    /// The bytes to send for `delivery`: the stored payload when it is already signed, otherwise
    /// the result of `sign` over the unsigned document, to be stored as `signedContentType`.
    package static func payload(
        for delivery: ClaimedDelivery, profiles: DocumentProfiles, signedContentType: String,
        sign: ([UInt8], UnsignedDocument) throws -> [UInt8]
    ) -> Result<Payload, DeliveryFailure> {
        guard profiles.profile(mediaType: delivery.contentType) != nil else {
            return .success(Payload(bytes: Array(delivery.payload), signed: nil))
        }
        guard let unsigned = UnsignedDocument(delivery, profiles: profiles) else {
            return .failure(DeliveryFailure(.signingFailed, "the stored \(delivery.contentType) document cannot be summarised"))
        }
        let signed: [UInt8]
        do {
            signed = try sign(Array(delivery.payload), unsigned)
        } catch {
            return .failure(DeliveryFailure(.signingFailed, "cannot sign the stored \(unsigned.profile.documentType): \(error)"))
        }
        return .success(Payload(bytes: signed, signed: SignedPayload(contentType: signedContentType, body: Data(signed))))
    }
}

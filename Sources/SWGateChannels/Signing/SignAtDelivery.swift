package import Foundation
package import SWGateDelivery
package import SWGateDomain
package import SWGateStore

/// Sign at delivery: a delivery whose payload is a business document stored unsigned at intake
/// (its profile's media type, e.g. `application/vnd.swgate.form-d+xml`) is signed at its first
/// attempt, and the signed bytes are stored in its place *before* they are sent, so every retry and
/// every operator replay sends exactly the same signed bytes.
package enum SignAtDelivery {
    /// The bytes to send, and whether they were signed by this attempt (then the channel knows
    /// what it just built and need not parse it back).
    package struct Payload {
        package var bytes: [UInt8]
        package var freshlySigned: Bool
    }

    /// The bytes to send for `delivery`: the stored payload when it is already signed, otherwise
    /// the result of `sign` over the unsigned document, persisted with `signedContentType` while
    /// the lease is held.
    package static func payload(
        for delivery: ClaimedDelivery, store: any OutboxStore, profiles: DocumentProfiles, signedContentType: String,
        sign: ([UInt8], UnsignedDocument) throws -> [UInt8]
    ) async -> Result<Payload, DeliveryFailure> {
        guard profiles.profile(mediaType: delivery.contentType) != nil else {
            return .success(Payload(bytes: Array(delivery.payload), freshlySigned: false))
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
        do {
            try await store.recordSignedPayload(
                deliveryID: delivery.deliveryID, owner: delivery.owner, body: Data(signed), contentType: signedContentType)
        } catch {
            return .failure(DeliveryFailure(.storeUnavailable, "signed bytes not stored, nothing sent: \(error)"))
        }
        return .success(Payload(bytes: signed, freshlySigned: true))
    }
}

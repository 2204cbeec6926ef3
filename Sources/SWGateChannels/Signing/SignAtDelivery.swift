import Foundation
import SWGateDelivery
import SWGateStore

/// Sign at delivery: a delivery whose payload is a bare Form D (``ChannelContentType/unsignedFormD``)
/// is signed at its first attempt, and the signed bytes are stored in its place *before* they are
/// sent, so every retry and every operator replay sends exactly the same signed bytes.
enum SignAtDelivery {
    /// The bytes to send, and whether they were signed by this attempt (then the channel knows
    /// what it just built and need not parse it back).
    struct Payload {
        var bytes: [UInt8]
        var freshlySigned: Bool
    }

    /// The bytes to send for `delivery`: the stored payload when it is already signed, otherwise
    /// the result of `sign`, persisted with `signedContentType` while the lease is held.
    static func payload(
        for delivery: ClaimedDelivery, store: any OutboxStore, signedContentType: String,
        sign: ([UInt8]) throws -> [UInt8]
    ) async -> Result<Payload, DeliveryFailure> {
        guard delivery.contentType == ChannelContentType.unsignedFormD else {
            return .success(Payload(bytes: Array(delivery.payload), freshlySigned: false))
        }
        let signed: [UInt8]
        do {
            signed = try sign(Array(delivery.payload))
        } catch {
            return .failure(DeliveryFailure(.signingFailed, "cannot sign the stored Form D: \(error)"))
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

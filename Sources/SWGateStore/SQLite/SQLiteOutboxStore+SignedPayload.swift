public import Foundation
import GRDB

extension AuditEvent {
    /// A channel signed the delivery's payload at its first attempt and stored the signed bytes.
    public static let signed = AuditEvent("signed")
}

extension OutboxError.Code {
    /// The caller no longer holds the delivery's lease; nothing was changed.
    public static let leaseLost = OutboxError.Code("lease-lost")
}

extension SQLiteOutboxStore {
    public func recordSignedPayload(deliveryID: Int64, owner: String, body: Data, contentType: String) async throws {
        let signed = SignedPayload(contentType: contentType, body: body)
        let detail = signed.auditDetail
        try await write { db in
            let read = DirectStatement(
                try db.cachedStatement(
                    sql: """
                        SELECT d.state, d.lease_owner, d.destination, m.id
                        FROM delivery d JOIN message m ON m.seq = d.message_seq WHERE d.id = ?
                        """))
            read.bind(deliveryID, at: 1)
            guard let (state, leaseOwner, destination, messageID) = try read.fetchOne({ ($0.string(0), $0.string(1), $0.string(2), $0.string(3)) })
            else {
                throw OutboxError(.unknownID, "no delivery \(deliveryID)")
            }
            guard state == DeliveryState.sending.rawValue, leaseOwner == owner else {
                throw OutboxError(.leaseLost, "delivery \(deliveryID) is not leased to \(owner)")
            }
            try Self.store(
                db, signed, detail: detail, deliveryID: deliveryID, messageID: messageID, destination: destination, owner: owner,
                now: Date().storeMilliseconds)
        }
    }

    /// Replaces the delivery's payload with the signed message and audits it (`signed`); the
    /// caller has checked the lease.
    static func store(
        _ db: Database, _ signed: SignedPayload, detail: String, deliveryID: Int64, messageID: String?, destination: String?, owner: String,
        now: Int64
    ) throws {
        // The signed bytes bound where they lie, not copied (`DirectStatement`).
        let update = DirectStatement(
            try db.cachedStatement(sql: "UPDATE delivery SET payload = ?, content_type = ?, updated_at = ? WHERE id = ?"))
        update.bind(signed.contentType, at: 2)
        update.bind(now, at: 3)
        update.bind(deliveryID, at: 4)
        try update.execute(withBlob: signed.body, at: 1)
        try AuditLog.append(db, at: now, event: .signed, messageID: messageID, destination: destination, actor: owner, detail: detail)
    }
}

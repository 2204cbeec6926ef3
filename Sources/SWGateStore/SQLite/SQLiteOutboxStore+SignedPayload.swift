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
        let now = Date().storeMilliseconds
        // Hashed on the caller's task, not on the single writer thread.
        let detail = "\(contentType), \(body.count) bytes, sha256 \(AuditEntry.sha256Hex(body))"
        try await write { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT d.state, d.lease_owner, d.destination, m.id AS message_id
                            FROM delivery d JOIN message m ON m.seq = d.message_seq WHERE d.id = ?
                            """),
                    arguments: [deliveryID])
            else {
                throw OutboxError(.unknownID, "no delivery \(deliveryID)")
            }
            // Columns by position, in the order of the SELECT.
            let state: String = row[0]
            let leaseOwner: String? = row[1]
            guard state == DeliveryState.sending.rawValue, leaseOwner == owner else {
                throw OutboxError(.leaseLost, "delivery \(deliveryID) is not leased to \(owner)")
            }
            try db.cachedStatement(sql: "UPDATE delivery SET payload = ?, content_type = ?, updated_at = ? WHERE id = ?")
                .execute(arguments: [body, contentType, now, deliveryID])
            try AuditLog.append(
                db, at: now, event: .signed, messageID: row[3], destination: row[2], actor: owner,
                detail: detail)
        }
    }
}

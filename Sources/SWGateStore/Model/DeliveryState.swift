/// Where one message stands towards one destination.
///
/// ```
/// pending ──claim──▶ sending ──2xx──▶ delivered
///    ▲                  │
///    └──transient/lease─┤──permanent──▶ failed
///                       └──budget spent──▶ dead
/// failed, dead ──operator replay──▶ pending
/// ```
public enum DeliveryState: String, CaseIterable, Codable, Sendable {
    /// Waiting for its turn (or for its next retry time).
    case pending
    /// Claimed by a worker holding a lease; an attempt is in flight.
    case sending
    /// The destination accepted it. Final, except for purge.
    case delivered
    /// A permanent failure (for example HTTP 4xx). Waits for an operator.
    case failed
    /// The retry budget (attempts or age) was spent. Waits for an operator.
    case dead
}

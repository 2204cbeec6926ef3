import SWGateStore

/// What a completion's transition writes on its delivery, and the audit entry it leaves.
struct CompletionChange {
    let state: DeliveryState
    let event: AuditEvent
    let nextAttempt: Int64?
    let error: String?
    let deliveredAt: Int64?
    let receipt: Receipt?

    init(_ transition: DeliveryCompletion.Transition, now: Int64, error: String) {
        switch transition {
        case .delivered(let receipt):
            (state, event, nextAttempt, self.error, deliveredAt, self.receipt) = (.delivered, .delivered, nil, nil, now, receipt)
        case .retry(let at):
            (state, event, nextAttempt, self.error, deliveredAt, receipt) = (.pending, .retryScheduled, at.storeMilliseconds, error, nil, nil)
        case .failed:
            (state, event, nextAttempt, self.error, deliveredAt, receipt) = (.failed, .failed, nil, error, nil, nil)
        case .dead:
            (state, event, nextAttempt, self.error, deliveredAt, receipt) = (.dead, .dead, nil, error, nil, nil)
        }
    }

    func auditDetail(attempt: Int, completion: DeliveryCompletion, now: Int64) -> String {
        let error = completion.error ?? ""
        switch completion.transition {
        case .delivered:
            return "attempt \(attempt)" + (completion.httpStatus.map { ", HTTP \($0)" } ?? "") + (receipt == nil ? "" : ", receipt kept")
        case .retry:
            return "attempt \(attempt) failed (\(completion.outcome)): \(error); next attempt at \(nextAttempt ?? now)"
        case .failed:
            return "attempt \(attempt) failed permanently: \(error)"
        case .dead:
            return "retry budget spent after attempt \(attempt): \(error)"
        }
    }
}

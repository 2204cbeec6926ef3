import Foundation
import SWGateSecurity
import Synchronization

/// The configured certificates' expiry for `/metrics`, computed at most once a minute: the report
/// reads the pinned partner files and evaluates chains, which a scrape every few seconds need not redo.
final class CertificateExpiryCache: Sendable {
    private let security: SecurityServices
    private let warningDays: Int
    private let cached = Mutex<(at: Date, value: [CertificateExpiry])?>(nil)

    init(security: SecurityServices, warning: Duration) {
        self.security = security
        warningDays = Int(warning.components.seconds / 86_400)
    }

    func current() -> [CertificateExpiry] {
        let now = security.now()
        if let cached = cached.withLock({ $0 }), now.timeIntervalSince(cached.at) < 60, now >= cached.at { return cached.value }
        let value = security.certificateReport(warningDays: warningDays, at: now).map {
            CertificateExpiry(role: $0.role, subject: $0.subject, secondsRemaining: $0.notAfter.timeIntervalSince(now).rounded(), warning: $0.status != .ok)
        }
        cached.withLock { $0 = (now, value) }
        return value
    }
}

import Foundation
import SWGateDomain
import SWGateSecurity
import SWGateStore

/// The checks behind `/readyz`: each returns its name and, when it fails, what is wrong. The
/// store's own check is `OutboxStore.readinessProblem()` (a file that is writable; a database that
/// answers).
enum ReadinessChecks {
    static func keysLoaded(_ security: SecurityServices) -> (name: String, problem: String?) {
        security.partners.isEmpty ? ("keys", "no partner certificates loaded") : ("keys", nil)
    }

    static func schemasCompiled(_ validator: DocumentValidator) -> (name: String, problem: String?) {
        (try? SchemaCatalog.shared()) == nil ? ("schemas", "the schemas did not compile") : ("schemas", nil)
    }
}

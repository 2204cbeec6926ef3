import Foundation
import SWGateDomain
import SWGateSecurity
import SWGateStore

/// The checks behind `/readyz`: each returns its name and, when it fails, what is wrong.
enum ReadinessChecks {
    static func storeWritable(_ store: any OutboxStore, path: String) async -> (name: String, problem: String?) {
        guard FileManager.default.isWritableFile(atPath: path) else { return ("store", "\(path) is missing or not writable") }
        do {
            _ = try await store.stats()
            return ("store", nil)
        } catch {
            return ("store", "\(error)")
        }
    }

    static func keysLoaded(_ security: SecurityServices) -> (name: String, problem: String?) {
        security.partners.isEmpty ? ("keys", "no partner certificates loaded") : ("keys", nil)
    }

    static func schemasCompiled(_ validator: DocumentValidator) -> (name: String, problem: String?) {
        (try? SchemaCatalog.shared()) == nil ? ("schemas", "the schemas did not compile") : ("schemas", nil)
    }
}

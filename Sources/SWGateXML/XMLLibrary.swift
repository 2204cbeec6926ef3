internal import CLibXML2
import Synchronization

/// Process-wide libxml2 state, set up exactly once.
///
/// `xmlInitParser` must run once per process before any parsing: racing it from parallel
/// tasks corrupts the heap. The external entity loader installed here refuses every URL
/// except files below directories registered with ``allowDirectory(_:)`` (the schema
/// directory), so no document or schema can make the gateway open a file or a socket.
///
/// libxml2 allocates with the process's `malloc`, which is TCMalloc's in `swgate`: its
/// per-thread caches serve a tree's few hundred small nodes (ARCHITECTURE.md).
package enum XMLLibrary {
    private static let initialized: Void = {
        xmlInitParser()
        swg_installLoader()
    }()

    private static let registration = Mutex<Void>(())

    /// Initialises libxml2 and installs the deny-by-default loader, once.
    package static func ensureInitialized() {
        _ = initialized
    }

    /// Lets schema compilation read files below `directory` (for `xs:import`/`xs:include`).
    package static func allowDirectory(_ directory: String) -> Bool {
        ensureInitialized()
        let normalized = directory.hasSuffix("/") ? directory : directory + "/"
        return registration.withLock { _ in
            swg_allowDirectory(normalized) != 0
        }
    }
}

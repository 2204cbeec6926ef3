import Foundation

/// Runs blocking work (a child process waited for) on a thread of its own and returns its result
/// to the calling task. The tasks' thread pool has one thread per core (two here): a test blocking
/// one of them for the seconds a child runs starves the servers other tests run in this process.
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

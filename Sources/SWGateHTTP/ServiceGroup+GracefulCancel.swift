public import ServiceLifecycle

extension ServiceGroup {
    /// Runs the group; cancelling the calling task shuts the group down gracefully (listeners stop
    /// accepting, requests in flight finish, within the group's maximum graceful shutdown duration)
    /// instead of cancelling its services at once.
    ///
    /// A NIO server whose serving task is cancelled while a connection is accepted but not yet
    /// served traps ("Deinited NIOAsyncWriter without calling finish()", swift-nio#2637); a graceful
    /// shutdown closes every accepted connection first. Tests and embedders stop a gateway or a
    /// simulator by cancelling its task, so that path must be the graceful one.
    public func runShuttingDownGracefullyOnCancel() async throws {
        let running = Task { try await self.run() }
        try await withTaskCancellationHandler {
            try await running.value
        } onCancel: {
            Task { await self.triggerGracefulShutdown() }
        }
    }
}

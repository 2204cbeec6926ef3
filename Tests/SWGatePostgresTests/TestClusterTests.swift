import Foundation
import SWGateTesting
import Testing

@Suite("The throw-away PostgreSQL cluster the tests start")
struct TestClusterTests {
    /// The test process's sockets (SwiftNIO opens them without close-on-exec) must not be inherited
    /// by the PostgreSQL server the cluster leaves running: a connection a test closed would stay
    /// open in that server until the end of the run, and its peer would wait for an end that never
    /// comes. That is how a partner closing its connection after each answer once went unnoticed
    /// by the client under test for 90 seconds.
    @Test("A connection the tests close while a cluster runs ends for its peer: the server inherits none of the tests' descriptors")
    func serverInheritsNoDescriptors() async throws {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else {
            Issue.record("socketpair failed: errno \(errno)")
            return
        }
        let (ours, peer) = (pair[0], pair[1])
        defer { close(peer) }
        let cluster = try await PostgresTestCluster.started()
        defer { cluster.stop() }
        close(ours)
        // The peer sees the end as soon as the last descriptor of `ours` is closed; waiting is
        // bounded, and ends at once when the end arrives.
        let ended = try await onOwnThread { () -> Bool in
            var entry = pollfd(fd: peer, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 10_000) == 1 else { return false }
            var byte: UInt8 = 0
            return read(peer, &byte, 1) == 0
        }
        #expect(ended, "the peer of a closed socket saw no end of the connection while a PostgreSQL server runs")
    }
}

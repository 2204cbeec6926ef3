import Foundation
import SWGateStore
import SWGateTesting
import Testing

@Suite("swgate send")
struct SendCommandTests {
    @Test("Queues a valid Form D for one destination (exit 0); invalid → exit 1 with file:line:col; bad destination or file → exit 2")
    func send() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = directory.path("s.sqlite")
        let valid = Fixtures.url("valid/formd-single-item.xml").path
        let ok = try await CommandRunner.swgate(["send", valid, "--to", "asw", "--store", store])
        #expect(ok.status == 0, "\(ok.standardError)")
        #expect(ok.standardOutput.hasPrefix("queued "))
        let opened = try SQLiteOutboxStore(path: store)
        let listed = try await opened.deliveries(matching: DeliveryFilter())
        #expect(listed.map(\.destination) == ["asw"])
        #expect(listed.first?.state == .pending)
        try opened.close()

        let invalid = Fixtures.url("invalid/FD-RVC-FOB.xml").path
        let bad = try await CommandRunner.swgate(["send", invalid, "--to", "nsw", "--store", store])
        #expect(bad.status == 1)
        #expect(bad.standardError.contains("FD-RVC-FOB.xml:"))
        #expect(bad.standardError.contains("FD-RVC-FOB"))
        #expect(try await CommandRunner.swgate(["send", valid, "--to", "mars", "--store", store]).status == 2)
        #expect(try await CommandRunner.swgate(["send", directory.path("none.xml"), "--to", "nsw", "--store", store]).status == 2)
    }
}

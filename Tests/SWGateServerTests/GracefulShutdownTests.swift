import AsyncHTTPClient
import Foundation
import Synchronization
import NIOHTTP1
import SWGateChannels
import SWGateNSW
import SWGateAS4
import SWGateServer
import SWGateStore
import SWGateTesting
import Testing

/// `swgate serve` as a child process with a temporary YAML configuration.
final class ServeProcess {
    let process = Process()
    let output = Pipe()
    let port: Int

    init(config: String, port: Int) throws {
        self.port = port
        process.executableURL = URL(fileURLWithPath: CommandRunner.swgatePath)
        process.arguments = ["serve", "--config", config]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Waits until `/healthz` answers (bounded).
    func waitReady(_ client: TestClient) async throws -> Bool {
        try await eventually(30) { (try? await client.send(.GET, "/healthz"))?.status == 200 }
    }

    func terminate() { process.terminate() }

    /// Waits for the exit (bounded); returns its status, or nil if it did not exit.
    func waitExit(seconds: Double = 30) async throws -> Int32? {
        let ok = try await eventually(seconds) { !self.process.isRunning }
        if !ok { kill(process.processIdentifier, SIGKILL) }
        return ok ? process.terminationStatus : nil
    }
}

/// A free loopback port (bound, read, released).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

@Suite("Graceful shutdown of swgate serve", .serialized)
struct GracefulShutdownTests {
    @Test("SIGTERM during load: intake closes, nothing answered 202 is lost; after a restart every certificate reaches both simulators")
    func sigtermUnderLoad() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let partners = try await Partners.start()
        defer { partners.stop() }
        let port = try freePort()
        let store = directory.path("gw.sqlite")
        let yaml = """
            listen:
              port: \(port)
            store:
              path: \(store)
            certificates:
              directory: \(certificatesDirectory)
            destinations:
              nsw:
                url: http://127.0.0.1:\(partners.nswPort)/nsw
              asw:
                url: http://127.0.0.1:\(partners.aswPort)/as4
              portal:
                url: http://127.0.0.1:\(partners.callbackPort)/callback
            delivery:
              initial_backoff: 50ms
              max_backoff: 1s
            log_level: error
            """
        let config = try directory.write("swgate.yaml", Array(yaml.utf8))
        let http = HTTPClient.forTest()
        let client = TestClient(base: "http://127.0.0.1:\(port)", client: http)

        let first = try ServeProcess(config: config, port: port)
        #expect(try await first.waitReady(client))
        let total = 120
        let pid = first.process.processIdentifier
        let answered = AcceptedTally()
        let accepted = try await withThrowingTaskGroup(of: String?.self) { group in
            for n in 0..<total {
                group.addTask {
                    if n == total / 2 {
                        // SIGTERM in the middle of the load, once intake has answered a 202: on a loaded
                        // machine all 120 requests can be sent before the first answer (bounded: 30 s).
                        for _ in 0..<3000 where answered.count == 0 { try? await Task.sleep(for: .milliseconds(10)) }
                        kill(pid, SIGTERM)
                    }
                    let reference = String(format: "VN-TH 26/03/%06d", 500 + n)
                    guard let result = try? await client.submit(try FormDSamples.withReference(reference)) else { return nil }
                    if result.status == 202 {
                        answered.increment()
                        return result.json["messageId"] as? String
                    }
                    #expect(result.status == 503, "only 503 once intake is closed, got \(result.status)")
                    return nil
                }
            }
            var ids: [String] = []
            for try await id in group { if let id { ids.append(id) } }
            return ids
        }
        #expect(try await first.waitExit() == 0)
        #expect(!accepted.isEmpty)

        // A new client for the restarted gateway, as a portal reconnects: after the load against the
        // stopping gateway, the first client's pool sometimes hands /healthz to a connection that
        // never answers, and the request waits out its 30 s timeout (the restarted gateway listens
        // within a second: its log says so).
        try await http.shutdown()
        let restartedHTTP = HTTPClient.forTest()
        let restarted = TestClient(base: "http://127.0.0.1:\(port)", client: restartedHTTP)
        let second = try ServeProcess(config: config, port: port)
        #expect(try await second.waitReady(restarted))
        var options = SQLiteOutboxStore.Configuration()
        options.createIfMissing = false
        options.migrate = false
        options.singleConnection = true
        let reader = try SQLiteOutboxStore(path: store, configuration: options)
        let allDelivered = try await eventually(60) {
            for id in accepted {
                guard let record = try await reader.message(id: id), record.deliveries.count == 2,
                    record.deliveries.allSatisfy({ $0.state == .delivered })
                else { return false }
            }
            return true
        }
        #expect(allDelivered, "\(accepted.count) accepted")
        #expect(await partners.nsw.state.received.count >= accepted.count)
        #expect(await partners.asw.state.received.count >= accepted.count)
        try reader.close()
        second.terminate()
        #expect(try await second.waitExit() == 0)
        try await restartedHTTP.shutdown()
    }
}

/// How many submissions were answered 202 so far.
final class AcceptedTally: Sendable {
    private let value = Mutex(0)
    func increment() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}

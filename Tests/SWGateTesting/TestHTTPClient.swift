public import AsyncHTTPClient
import Synchronization

extension HTTPClient {
    /// Every client a test made with ``forTest(configuration:)``, kept for the life of the process.
    private static let testClients = Mutex<[HTTPClient]>([])

    /// A client for one test, on the shared event loop group. The test shuts it down when it is
    /// done, as with any client; when the test throws before that (a failed request, a `#require`),
    /// the client is still referenced here, so it is never deinitialised unshut: AsyncHTTPClient's
    /// debug check in `deinit` would stop the whole test process, and with it every other test's
    /// gateways and simulators, hiding the one failure behind a crash.
    public static func forTest(configuration: HTTPClient.Configuration = HTTPClient.Configuration()) -> HTTPClient {
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        testClients.withLock { $0.append(client) }
        return client
    }
}

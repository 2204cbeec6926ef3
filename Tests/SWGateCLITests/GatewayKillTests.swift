import Foundation
import SWGateTesting
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Several `swgate serve` processes on one PostgreSQL database, killed with SIGKILL at random and
/// started again while certificates are submitted and delivered.
@Suite("Several swgate serve processes on one database, killed and restarted", .serialized)
struct GatewayKillTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    private func configuration(url: String, owner: String, nsw: Int, asw: Int, directory: TemporaryDirectory) throws -> String {
        let text = """
            listen:
              port: 0
            store:
              kind: postgres
              url: \(url)
              pool: 4
            certificates:
              directory: \(Self.root)/Certificates
            destinations:
              nsw:
                url: http://127.0.0.1:\(nsw)/nsw
              asw:
                url: http://127.0.0.1:\(asw)/as4
              portal:
                url: http://127.0.0.1:1/callback
            delivery:
              owner: \(owner)
              lease: 3s
              lease_reap_interval: 1s
              initial_backoff: 100ms
              max_backoff: 1s
              # Partners fail every other request and instances die mid-attempt: the default budget
              # (12 attempts) can run out on a loaded machine, and a dead delivery is not what this
              # test is about.
              max_attempts: 1000
            log_level: error
            """
        return try directory.write("\(owner).yaml", Array(text.utf8))
    }

    /// POSTs `document` to `port`; the HTTP status, or nil when nothing answered.
    private func submit(_ document: String, port: Int) async -> Int? {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/certificates")!)
        request.httpMethod = "POST"
        request.setValue("Bearer swgate-dev-token", forHTTPHeaderField: "Authorization")
        request.setValue("application/xml", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(document.utf8)
        request.timeoutInterval = 20
        guard let (_, response) = try? await URLSession.shared.data(for: request) else { return nil }
        return (response as? HTTPURLResponse)?.statusCode
    }

    /// The message ids a simulator acknowledged more than once with different bytes (`GET /received`).
    private func conflicting(simulatorPort port: Int) async throws -> [String] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/received")!)
        struct Listing: Decodable {
            var received: [String]
            var conflicting: [String]
        }
        return try JSONDecoder().decode(Listing.self, from: data).conflicting
    }

    /// What the portal was answered for one chain.
    struct Answer: Sendable, CustomStringConvertible {
        let reference: String
        let issue: Int?
        let amendment: Int?
        var description: String {
            "\(reference): issue \(issue.map(String.init) ?? "no answer"), amendment \(amendment.map(String.init) ?? "no answer")"
        }
    }

    /// The three instances: each slot's process, replaced when it is killed and started again.
    final class Fleet: Sendable {
        private let slots = Mutex<[ChildProcess?]>([nil, nil, nil])
        private let killed = Mutex<[Int]>([])
        private let counter = Mutex(0)
        let configurations: [String]
        let environment: [String: String]

        init(configurations: [String], environment: [String: String]) {
            self.configurations = configurations
            self.environment = environment
        }

        func start(_ slot: Int) async throws {
            let process = try await ChildProcess(["serve", "--config", configurations[slot]], environment: environment)
            slots.withLock { $0[slot] = process }
        }

        /// SIGKILL to the instance in `slot`, if it runs.
        func kill(_ slot: Int) {
            let process = slots.withLock { slots -> ChildProcess? in
                defer { slots[slot] = nil }
                return slots[slot]
            }
            if let process {
                process.kill()
                killed.withLock { $0.append(slot) }
            }
        }

        /// The slots killed so far, in order.
        var kills: [Int] { killed.withLock { $0 } }

        /// The next chain number for the portal's clients.
        func nextChain() -> Int {
            counter.withLock { value -> Int in
                defer { value += 1 }
                return value
            }
        }

        /// The port of the instance in `slot`, nil while it is down.
        func port(_ slot: Int) -> Int? { slots.withLock { $0[slot]?.port } }

        func killAll() { for slot in 0..<3 { kill(slot) } }
    }

    /// Submits `document` as a load balancer would: to the instance after `first`, then to the
    /// next one that answers, for at most 30 s; the final status (nil if none answered).
    private func submit(_ document: String, fleet: Fleet, first: Int) async -> Int? {
        var status: Int?
        for attempt in 0..<60 {
            guard let port = fleet.port((first + attempt) % 3) else { continue }
            status = await submit(document, port: port)
            if status == 202 || status == 409 || status == 422 { return status }
            // A pause between tries while killed instances restart; the loop ends on an answer.
            try? await Task.sleep(for: .milliseconds(500))
        }
        return status
    }

    @Test(
        """
        Three instances under portal load, partners failing every other request, instances killed at random and restarted: \
        every certificate answered 202 is delivered to both partners, never claimed twice under a live lease, \
        amendments after their issue; the audit chain verifies
        """)
    func killAtRandom() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let database = try await cluster.createDatabase()
        let url = cluster.url(database)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = ["SWGATE_HOME": Self.root]
        let nsw = try await ChildProcess(["simulate", "nsw", "--port", "0", "--fail", "unavailable-every:2"], environment: home)
        defer { nsw.stop() }
        let asw = try await ChildProcess(["simulate", "asw", "--port", "0", "--fail", "unavailable-every:2"], environment: home)
        defer { asw.stop() }
        let fleet = Fleet(
            configurations: try ["gw-1", "gw-2", "gw-3"].map {
                try configuration(url: url, owner: $0, nsw: nsw.port, asw: asw.port, directory: directory)
            },
            environment: home)
        defer { fleet.killAll() }
        for slot in 0..<3 { try await fleet.start(slot) }

        // Chaos: while the portal submits, every 0.6–1.5 s a random instance is killed with SIGKILL
        // and started again half a second later (under the same owner name).
        let chaos = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int.random(in: 600...1_500)))
                if Task.isCancelled { break }
                let slot = Int.random(in: 0..<3)
                fleet.kill(slot)
                try? await Task.sleep(for: .milliseconds(500))
                try? await fleet.start(slot)
            }
        }

        // Portal load: 4 clients, each submitting chains (an issue, then its amendment once the
        // issue was answered 202), spread round-robin over the instances, until at least 32
        // chains were submitted and 4 instances killed (at most 400 chains).
        let issue = try Fixtures.text("valid/formd-single-item.xml")
        let amendment = try Fixtures.text("valid/formd-amendment.xml")
        let answers = await withTaskGroup(of: [Answer].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var results: [Answer] = []
                    while true {
                        let index = fleet.nextChain()
                        guard index < 400, index < 32 || fleet.kills.count < 4 else { break }
                        let reference = "VN-TH 26/03/009\(String(format: "%03d", index))"
                        let first = await submit(issue.replacingOccurrences(of: "VN-TH 26/03/000123", with: reference), fleet: fleet, first: index)
                        var second: Int?
                        if first == 202 {
                            second = await submit(
                                amendment.replacingOccurrences(of: "VN-TH 26/03/000123", with: reference), fleet: fleet, first: index + 1)
                        }
                        results.append(Answer(reference: reference, issue: first, amendment: second))
                    }
                    return results
                }
            }
            return await group.reduce(into: [Answer]()) { $0.append(contentsOf: $1) }
        }
        chaos.cancel()
        await chaos.value
        let kills = fleet.kills
        for slot in 0..<3 where fleet.port(slot) == nil { try await fleet.start(slot) }
        let accepted = answers.filter { $0.issue == 202 }.count + answers.filter { $0.amendment == 202 }.count
        for answer in answers {
            #expect(answer.issue == 202 && answer.amendment == 202, "\(answer)")
        }
        #expect(kills.count >= 4, "only \(kills.count) instances were killed during the load")

        let deadline = Date().addingTimeInterval(120)
        var undelivered = "?"
        while Date() < deadline {
            undelivered = try await cluster.sql(
                "SELECT count(*) FROM delivery WHERE destination IN ('nsw', 'asw') AND state <> 'delivered'", database: database)
            if undelivered == "0" { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        let context = "kills: \(kills.map { "gw-\($0 + 1)" }.joined(separator: ", "))"
        let states =
            (try? await cluster.sql(
                "SELECT string_agg(state || ' ' || attempt_count || ' ' || coalesce(last_error, ''), '; ') FROM delivery WHERE destination IN ('nsw', 'asw') AND state <> 'delivered'",
                database: database)) ?? "?"
        #expect(undelivered == "0", "deliveries to the partners still not delivered: \(undelivered) (\(states)); \(context)")
        let stored = try await cluster.sql("SELECT count(*) FROM message WHERE source = 'portal'", database: database)
        #expect(stored == String(accepted), "\(accepted) answered 202, \(stored) stored; \(context)")
        let delivered = try await cluster.sql(
            "SELECT count(*) FROM delivery WHERE destination IN ('nsw', 'asw') AND state = 'delivered'", database: database)
        #expect(delivered == String(accepted * 2), "\(context)")
        // A message sent again after a kill (its outcome lost) is signed again to the same bytes:
        // no partner saw one message id with two different requests.
        #expect(try await conflicting(simulatorPort: nsw.port).isEmpty, "the NSW received a message id twice with different bytes; \(context)")
        #expect(try await conflicting(simulatorPort: asw.port).isEmpty, "the ASW received a message id twice with different bytes; \(context)")
        // None claimed again while its lease lived: each `sending` entry of a delivery follows the
        // end of its previous lease (an attempt's outcome or a reclaimed lease).
        let overlapping = try await cluster.sql(
            """
            SELECT count(*) FROM (
              SELECT message_id, destination, event,
                     lag(event) OVER (PARTITION BY message_id, destination ORDER BY seq) AS previous
              FROM audit_log WHERE destination IN ('nsw', 'asw') AND event <> 'signed') AS history
            WHERE event = 'sending' AND previous = 'sending'
            """, database: database)
        #expect(overlapping == "0", "a delivery was claimed again while its lease lived; \(context)")
        // Conversation order: an amendment's first attempt to a destination comes after its
        // issue was recorded delivered there (audit entries are numbered in commit order).
        let early = try await cluster.sql(
            """
            SELECT count(*) FROM delivery later
            JOIN message lm ON lm.seq = later.message_seq
            JOIN delivery earlier ON earlier.conversation = later.conversation AND earlier.destination = later.destination
                AND earlier.id < later.id
            JOIN message em ON em.seq = earlier.message_seq
            WHERE later.destination IN ('nsw', 'asw')
              AND (SELECT min(seq) FROM audit_log WHERE message_id = lm.id AND destination = later.destination AND event = 'sending')
                < (SELECT max(seq) FROM audit_log WHERE message_id = em.id AND destination = earlier.destination AND event = 'delivered')
            """, database: database)
        #expect(early == "0", "an amendment was sent before its issue was delivered; \(context)")
        let conversations = try await cluster.sql(
            "SELECT count(DISTINCT conversation) FROM message WHERE source = 'portal'", database: database)
        #expect(conversations == String(answers.filter { $0.issue == 202 }.count), "each amendment joined its issue's conversation")
        let verify = try await CommandRunner.swgate(["audit", "verify", "--store", url])
        #expect(verify.status == 0, "\(verify.standardOutput) \(verify.standardError)")
    }

    @Test("An instance killed while it holds leases is taken over by another instance's lease reaper, which delivers")
    func takeoverAfterKill() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let database = try await cluster.createDatabase()
        let url = cluster.url(database)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = ["SWGATE_HOME": Self.root]
        // gw-1's partners accept connections and never answer: its attempts hang, leased to it.
        let silent = try SilentListener()
        defer { silent.close() }
        let doomed = try await ChildProcess(
            ["serve", "--config", try configuration(url: url, owner: "gw-1", nsw: silent.port, asw: silent.port, directory: directory)],
            environment: home)
        defer { doomed.kill() }
        let reference = "VN-TH 26/03/000980"
        let document = try Fixtures.text("valid/formd-single-item.xml").replacingOccurrences(of: "VN-TH 26/03/000123", with: reference)
        #expect(await submit(document, port: doomed.port) == 202)
        let leased = "SELECT count(*) FROM delivery WHERE state = 'sending' AND lease_owner = 'gw-1'"
        var held = "0"
        for _ in 0..<100 where held != "2" {
            held = try await cluster.sql(leased, database: database)
            if held != "2" { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(held == "2", "gw-1 never held both deliveries")
        doomed.kill()

        // gw-1 is never started again: only the other instance can return its leases.
        let nsw = try await ChildProcess(["simulate", "nsw", "--port", "0"], environment: home)
        defer { nsw.stop() }
        let asw = try await ChildProcess(["simulate", "asw", "--port", "0"], environment: home)
        defer { asw.stop() }
        let survivor = try await ChildProcess(
            ["serve", "--config", try configuration(url: url, owner: "gw-2", nsw: nsw.port, asw: asw.port, directory: directory)],
            environment: home)
        defer { survivor.kill() }
        var delivered = "0"
        for _ in 0..<300 where delivered != "2" {
            delivered = try await cluster.sql(
                "SELECT count(*) FROM delivery WHERE destination IN ('nsw', 'asw') AND state = 'delivered'", database: database)
            if delivered != "2" { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(delivered == "2", "the deliveries gw-1 held were not delivered by gw-2")
        let reclaimed = try await cluster.sql(
            "SELECT count(*) FROM audit_log WHERE event = 'lease-reclaimed' AND actor = 'lease-reaper' AND detail = 'lease expired (was leased to gw-1)'",
            database: database)
        #expect(reclaimed == "2", "gw-1's leases expired and were reclaimed by the reaper")
        let deliveredBy = try await cluster.sql(
            "SELECT DISTINCT actor FROM audit_log WHERE event = 'sending' AND destination IN ('nsw', 'asw') ORDER BY actor", database: database)
        #expect(deliveredBy == "gw-1\ngw-2", "\(deliveredBy)")
        let verify = try await CommandRunner.swgate(["audit", "verify", "--store", url])
        #expect(verify.status == 0, "\(verify.standardOutput) \(verify.standardError)")
    }

    @Test("swgate serve started while its database is down says so, waits, and serves once the database is back")
    func startWhileDatabaseIsDown() async throws {
        let cluster = try await PostgresTestCluster.started()
        defer { cluster.stop() }
        let database = try await cluster.createDatabase()
        let url = cluster.url(database)
        try await cluster.halt()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try configuration(url: url, owner: "gw-1", nsw: 1, asw: 1, directory: directory)
        let log = directory.path("serve.err")
        let starting = Task {
            try await ChildProcess(["serve", "--config", config], environment: ["SWGATE_HOME": Self.root], standardError: log)
        }
        // It says so, on standard error, while nothing listens yet.
        var said = false
        for _ in 0..<100 where !said {
            said = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("store not reachable, trying again")
            if !said { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(said, "no word of the unreachable store: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        try await cluster.start()
        let gateway = try await starting.value
        defer { gateway.kill() }
        #expect(gateway.firstLine.contains("listening on"), "\(gateway.firstLine)")
        let reference = "VN-TH 26/03/000990"
        let document = try Fixtures.text("valid/formd-single-item.xml").replacingOccurrences(of: "VN-TH 26/03/000123", with: reference)
        #expect(await submit(document, port: gateway.port) == 202)
        #expect(try await cluster.sql("SELECT count(*) FROM message WHERE source = 'portal'", database: database) == "1")
    }
}

/// A loopback TCP listener that never accepts: connections complete in the kernel's backlog and
/// requests are never answered, as with a partner that hangs.
private final class SilentListener: Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(fd, pointer, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard fd >= 0, bound else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }
}

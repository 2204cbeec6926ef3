public import Foundation
import Synchronization

/// A throw-away PostgreSQL 15 server for tests: `initdb` in a temporary directory, `pg_ctl start`
/// on a free loopback port, `pg_ctl stop` and removal at the end.
///
/// PostgreSQL refuses to run as root, and tests run as root in CI: the server binaries then run as
/// the `postgres` OS user (`runuser -u postgres --`), in a data directory that user owns. Clients
/// connect over TCP to 127.0.0.1 with `trust` authentication, as user `swgate`.
///
/// Without the binaries the tests fail (they do not skip) with a message saying what to install.
public final class PostgresTestCluster: Sendable {
    /// Why a cluster could not be started.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let port: Int
    public let directory: String
    public let binDirectory: String
    public let user = "swgate"
    private let running = Mutex(true)
    private let databaseCounter = Mutex(0)

    /// The cluster shared by every test of this process (each test takes a database of its own),
    /// stopped when the process exits.
    public static func shared() throws -> PostgresTestCluster {
        try sharedCluster.withLock { cluster in
            if let cluster { return cluster }
            let started = try PostgresTestCluster()
            cluster = started
            atexit { PostgresTestCluster.stopShared() }
            return started
        }
    }

    private static let sharedCluster = Mutex<PostgresTestCluster?>(nil)

    /// ``shared()`` from a task: the first call runs `initdb` and `pg_ctl start` (seconds) and the
    /// others wait for it, all on threads of their own (``onOwnThread(_:)``).
    public static func shared() async throws -> PostgresTestCluster {
        try await onOwnThread { try shared() as PostgresTestCluster }
    }

    /// ``createDatabase()`` from a task, with `psql` waited for on a thread of its own.
    public func createDatabase() async throws -> String {
        try await onOwnThread { try self.createDatabase() as String }
    }

    /// ``createDatabase(ownedBy:password:)`` from a task, with `psql` waited for on a thread of its own.
    public func createDatabase(ownedBy role: String, password: String) async throws -> String {
        try await onOwnThread { try self.createDatabase(ownedBy: role, password: password) as String }
    }

    /// ``sql(_:database:)`` from a task, with `psql` waited for on a thread of its own.
    @discardableResult
    public func sql(_ statement: String, database: String) async throws -> String {
        try await onOwnThread { try self.sql(statement, database: database) as String }
    }

    /// A new cluster of its own (``init()``) from a task: `initdb` and `pg_ctl start` take seconds,
    /// waited for on a thread of their own, not on the tasks' pool.
    public static func started() async throws -> PostgresTestCluster {
        try await onOwnThread { try PostgresTestCluster() }
    }

    private static func stopShared() {
        sharedCluster.withLock { $0?.stop() }
    }

    /// Initialises and starts a new cluster of its own (for tests that stop or kill the server).
    public init() throws {
        let candidates = [ProcessInfo.processInfo.environment["SWGATE_PG_BIN"], "/usr/lib/postgresql/15/bin"].compactMap { $0 }
        guard let bin = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }) else {
            throw Failure(
                description: "PostgreSQL 15 server binaries (initdb, pg_ctl) not found in \(candidates.joined(separator: ", ")): "
                    + "install Debian's postgresql package (apt-get install -y postgresql) or set SWGATE_PG_BIN")
        }
        binDirectory = bin
        let base = "/tmp/swgate-pg-\(UUID().uuidString.prefix(8))"
        directory = base
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        try Self.giveToServerUser(base)
        var lastError = ""
        for _ in 0..<3 {
            let port = try Self.freePort()
            if let error = try Self.initialiseAndStart(bin: bin, directory: base, port: port) {
                lastError = error
                continue
            }
            self.port = port
            return
        }
        try? FileManager.default.removeItem(atPath: base)
        throw Failure(description: "could not start PostgreSQL: \(lastError)")
    }

    /// A URL for `database` (`postgres://swgate@127.0.0.1:PORT/DATABASE`).
    public func url(_ database: String) -> String { "postgres://\(user)@127.0.0.1:\(port)/\(database)" }

    /// Creates a fresh, empty database and returns its name.
    public func createDatabase() throws -> String {
        let number = databaseCounter.withLock { counter -> Int in
            counter += 1
            return counter
        }
        let name = "t\(number)_\(UUID().uuidString.prefix(8).lowercased())"
        try sql("CREATE DATABASE \(name)", database: "postgres")
        return name
    }

    /// Creates a role that must log in with `password` (SCRAM-SHA-256 over TCP, where every other
    /// user is trusted) and a fresh database it owns; returns the database's name.
    public func createDatabase(ownedBy role: String, password: String) throws -> String {
        try sql("CREATE ROLE \(role) LOGIN PASSWORD '\(password)'", database: "postgres")
        let name = try createDatabase()
        try sql("ALTER DATABASE \(name) OWNER TO \(role)", database: "postgres")
        let rules = directory + "/data/pg_hba.conf"
        let existing = try String(contentsOfFile: rules, encoding: .utf8)
        try ("host all \(role) 127.0.0.1/32 scram-sha-256\n" + existing).write(toFile: rules, atomically: false, encoding: .utf8)
        try sql("SELECT pg_reload_conf()", database: "postgres")
        return name
    }

    /// Runs SQL with `psql` (as the test user), returning its unaligned, tuples-only output.
    @discardableResult
    public func sql(_ statement: String, database: String) throws -> String {
        let result = try Self.run(
            binDirectory + "/psql",
            ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)", "-U", user, "-d", database, "-c", statement],
            asServerUser: false)
        guard result.status == 0 else { throw Failure(description: "psql failed: \(result.output)") }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops the server (fast shutdown) and keeps the data directory for ``start()``. Waits on a
    /// thread of its own, not on the tasks' thread pool.
    public func halt() async throws {
        let (bin, directory) = (binDirectory, directory)
        let result = try await onOwnThread {
            try Self.run(bin + "/pg_ctl", ["-D", directory + "/data", "-m", "fast", "-w", "stop"], asServerUser: true)
        }
        guard result.status == 0 else { throw Failure(description: "pg_ctl stop failed: \(result.output)") }
    }

    /// Starts the server again on the same port after ``halt()``.
    public func start() async throws {
        let (bin, directory, port) = (binDirectory, directory, port)
        if let error = try await onOwnThread({ try Self.startServer(bin: bin, directory: directory, port: port) }) {
            throw Failure(description: error)
        }
    }

    /// Stops the server and removes its directory. Safe to call twice.
    public func stop() {
        let wasRunning = running.withLock { running -> Bool in
            defer { running = false }
            return running
        }
        guard wasRunning else { return }
        _ = try? Self.run(binDirectory + "/pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"], asServerUser: true)
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func initialiseAndStart(bin: String, directory: String, port: Int) throws -> String? {
        let data = directory + "/data"
        if !FileManager.default.fileExists(atPath: data + "/PG_VERSION") {
            let initdb = try run(
                bin + "/initdb", ["-D", data, "-U", "swgate", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], asServerUser: true)
            guard initdb.status == 0 else { return "initdb failed: \(initdb.output)" }
        }
        return try startServer(bin: bin, directory: directory, port: port)
    }

    private static func startServer(bin: String, directory: String, port: Int) throws -> String? {
        let data = directory + "/data"
        let options = "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=32MB"
        let start = try run(
            bin + "/pg_ctl", ["-D", data, "-o", options, "-l", directory + "/server.log", "-w", "-t", "60", "start"], asServerUser: true)
        guard start.status == 0 else {
            let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
            return "pg_ctl start failed: \(start.output) \(log.suffix(2000))"
        }
        return nil
    }

    /// Runs a program, as the `postgres` user when asked and this process is root, in `/tmp`
    /// (a directory that user can enter), with its output in a temporary file.
    ///
    /// `posix_spawn` and `waitpid` rather than Foundation's `Process`: `pg_ctl start` leaves a
    /// server running behind it, and `Process.waitUntilExit` was seen never to return then. The
    /// program gets standard input, output and error and no other descriptor of this process.
    private static func run(_ executable: String, _ arguments: [String], asServerUser: Bool) throws -> (status: Int32, output: String) {
        var argv = ["/usr/bin/env", "-C", "/tmp", executable] + arguments
        if asServerUser, getuid() == 0 { argv = ["/usr/sbin/runuser", "-u", "postgres", "--"] + argv }
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("swgate-pg-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: capture) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, capture, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of this process: SwiftNIO opens its sockets without close-on-exec, and the
        // server `pg_ctl start` leaves running would hold every connection open at this moment
        // until the end of the run (a peer would never see a test close it).
        try closeFrom(3, in: &actions)
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else { throw Failure(description: "cannot run \(argv[0]): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw Failure(description: "waitpid failed: \(errno)") }
        }
        let output = (try? String(contentsOfFile: capture, encoding: .utf8)) ?? ""
        // WIFEXITED / WEXITSTATUS: the low 7 bits are the signal, the next 8 the exit code.
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitCode, output)
    }

    /// Adds "close every descriptor from `first` on" to `actions`: glibc's
    /// `posix_spawn_file_actions_addclosefrom_np` (2.34 and later, as on Debian 12), looked up at run
    /// time because Swift's Glibc module does not declare it.
    private static func closeFrom(_ first: Int32, in actions: inout posix_spawn_file_actions_t) throws {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np"),
            unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, first) == 0
        else {
            throw Failure(description: "posix_spawn_file_actions_addclosefrom_np is unavailable (glibc 2.34 or later is needed)")
        }
    }

    /// Hands `path` to the `postgres` user (when this process is root), mode 0700.
    private static func giveToServerUser(_ path: String) throws {
        var attributes: [FileAttributeKey: Any] = [.posixPermissions: 0o700]
        if getuid() == 0 {
            attributes[.ownerAccountName] = "postgres"
            attributes[.groupOwnerAccountName] = "postgres"
        }
        try FileManager.default.setAttributes(attributes, ofItemAtPath: path)
    }

    /// A port the kernel just handed out on 127.0.0.1 (free at that instant).
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Failure(description: "bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw Failure(description: "getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

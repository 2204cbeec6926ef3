import Foundation
import SWGateTesting
import Testing

/// The runner every command test goes through: children are waited for off the tasks' pool.
@Suite struct CommandRunnerTests {
    /// As many children as the pool has threads (one per core) run at once and wait for the test to
    /// release them. Were each waited for on a thread of the pool, the children would hold all of
    /// its threads, the test's task could not run to release them, and each child would give up
    /// waiting (exit status 1). The bounds are generous: on a loaded machine the children may wait
    /// for a turn behind other tests' long-running children (schemathesis, a browser).
    @Test("Children waited for hold no thread of the tasks' pool: one child per core, and the test still runs")
    func childrenDoNotHoldThePool() async throws {
        let directory = try TemporaryDirectory(prefix: "swgate-runner")
        defer { directory.remove() }
        let count = min(ProcessInfo.processInfo.activeProcessorCount, CommandRunner.concurrentChildren)
        let release = directory.path("release")
        // Each child says it started, then waits (at most 300 s) for the release file.
        let script = #"touch "$0"; i=0; while [ ! -e "$1" ] && [ $i -lt 6000 ]; do sleep 0.05; i=$((i+1)); done; [ -e "$1" ]"#
        let children = Task {
            try await withThrowingTaskGroup(of: CommandResult.self) { group in
                for index in 0..<count {
                    group.addTask {
                        try await CommandRunner.run("/bin/sh", ["-c", script, directory.path("started-\(index)"), release], timeout: 400)
                    }
                }
                return try await group.reduce(into: [CommandResult]()) { $0.append($1) }
            }
        }
        let started = { (0..<count).allSatisfy { FileManager.default.fileExists(atPath: directory.path("started-\($0)")) } }
        let deadline = ContinuousClock.now + .seconds(300)
        while !started(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(started(), "not every child started")
        try Data().write(to: URL(fileURLWithPath: release))
        let results = try await children.value
        #expect(results.count == count)
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.status))")
    }

    @Test("A child that outlives its timeout is killed, and its output so far is kept")
    func timeout() async throws {
        let result = try await CommandRunner.run("/bin/sh", ["-c", "echo begun; exec sleep 60"], timeout: 1)
        #expect(result.status == SIGKILL)
        #expect(result.standardOutput == "begun\n")
    }

    @Test("Standard input reaches the child")
    func standardInput() async throws {
        let echoed = try await CommandRunner.run("/bin/sh", ["-c", "cat"], standardInput: Array("input".utf8))
        #expect(echoed.status == 0)
        #expect(echoed.standardOutput == "input")
    }
}

import Foundation
import SWGateTesting
import Testing

/// The runner every command test goes through: children are waited for off the tasks' pool.
@Suite struct CommandRunnerTests {
    /// More children than the pool has threads run at once and wait for the test to release them.
    /// Were each waited for on a thread of the pool, the children would hold all of its threads,
    /// the test's task could not run to release them, and each would end killed at its timeout.
    @Test("Children waited for hold no thread of the tasks' pool: more children than cores, and the test still runs")
    func childrenDoNotHoldThePool() async throws {
        let directory = try TemporaryDirectory(prefix: "swgate-runner")
        defer { directory.remove() }
        let count = min(ProcessInfo.processInfo.activeProcessorCount + 1, CommandRunner.concurrentChildren)
        let release = directory.path("release")
        // Each child says it started, then waits (at most 60 s) for the release file.
        let script = #"touch "$0"; i=0; while [ ! -e "$1" ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done; [ -e "$1" ]"#
        let children = Task {
            try await withThrowingTaskGroup(of: CommandResult.self) { group in
                for index in 0..<count {
                    group.addTask {
                        try await CommandRunner.run("/bin/sh", ["-c", script, directory.path("started-\(index)"), release], timeout: 90)
                    }
                }
                return try await group.reduce(into: [CommandResult]()) { $0.append($1) }
            }
        }
        let started = { (0..<count).allSatisfy { FileManager.default.fileExists(atPath: directory.path("started-\($0)")) } }
        let deadline = ContinuousClock.now + .seconds(60)
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

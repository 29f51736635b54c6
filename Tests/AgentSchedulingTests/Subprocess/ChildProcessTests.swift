import AgentScheduling
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// ``ChildProcess``: output to a file, the exit status, a bounded wait that gives up, and a kill of the group.
struct ChildProcessTests {
    @Test func theOutputGoesToTheFileAndTheExitStatusIsReported() async throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID()).out")
        defer { try? FileManager.default.removeItem(at: output) }
        let child = try ChildProcess(
            executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "echo out; echo err >&2; exit 3"],
            output: output)
        let exit = try #require(await child.waitForExit(timeout: .seconds(60)))
        #expect(exit.exitStatus == 3 && exit.signal == nil)
        #expect(exit.description == "exit status 3")
        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(text.contains("out\n") && text.contains("err\n"), "\(text)")
    }

    @Test func aWaitGivesUpAtItsDeadlineAndAKillOfTheGroupEndsTheChildAndItsChildren() async throws {
        let child = try ChildProcess(
            executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "sleep 300 & sleep 300; wait"])
        let started = ContinuousClock.now
        #expect(await child.waitForExit(timeout: .milliseconds(200)) == nil)
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(child.exit == nil)
        child.signal(SIGKILL)
        let exit = try #require(await child.waitForExit(timeout: .seconds(60)))
        #expect(exit.signal == SIGKILL && exit.description == "killed by SIGKILL")
        // The background sleep was in the same group: nothing of the group is left (zombies aside) shortly after.
        var groupGone = false
        for _ in 0..<500 where !groupGone {
            groupGone = kill(-child.processIdentifier, 0) != 0 && errno == ESRCH
            if !groupGone { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(groupGone, "a process of the child's group survived SIGKILL")
    }

    @Test func aProgramThatCannotStartIsAnError() {
        #expect(throws: SubprocessError.self) {
            _ = try ChildProcess(executable: URL(fileURLWithPath: "/nonexistent/program"), arguments: [])
        }
    }
}

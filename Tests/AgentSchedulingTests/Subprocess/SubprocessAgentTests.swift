import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

struct SubprocessAgentTests {
    @Test func exitZeroSucceedsAndWritesTheLogFiles() async throws {
        let harness = try SubprocessHarness()
        let agent = try harness.agent(harness.configuration("echo hello; echo oops >&2"))
        let (result, excerpt, runID) = await harness.runDirectly(agent)
        let value = try result.get()
        #expect(value.outcome == .succeeded)
        #expect(value.counters["exitStatus"] == 0)
        let directory = agent.logDirectory(for: runID)
        #expect(try String(contentsOf: directory.stdoutURL, encoding: .utf8) == "hello\n")
        #expect(try String(contentsOf: directory.stderrURL, encoding: .utf8) == "oops\n")
        #expect(excerpt.contains("hello"))
        #expect(excerpt.contains("[stderr] oops"))
        let metadata = try directory.readMetadata()
        #expect(metadata.record.status == .succeeded)
        #expect(metadata.process?.exitStatus == 0)
        #expect(!metadata.recordIsFinal)
        #expect(FileManager.default.fileExists(atPath: directory.summaryURL.path))
    }
}

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
        #expect(value.counters["stdoutBytes"] == 6)
        let directory = agent.logDirectory(for: runID)
        #expect(value.outputsURI == directory.url.absoluteString)
        #expect(try String(contentsOf: directory.stdoutURL, encoding: .utf8) == "hello\n")
        #expect(try String(contentsOf: directory.stderrURL, encoding: .utf8) == "oops\n")
        #expect(excerpt.contains("hello"))
        #expect(excerpt.contains("[stderr] oops"))
        let metadata = try directory.readMetadata()
        #expect(metadata.record.status == .succeeded)
        #expect(metadata.process?.exitStatus == 0)
        #expect(metadata.process?.command == ["/bin/sh", "-c", "echo hello; echo oops >&2"])
        #expect(!metadata.recordIsFinal)
        #expect(metadata.record.logExcerpt.first?.hasPrefix("started pid ") == true)
        #expect(metadata.record.logExcerpt.contains("[stderr] oops"))
        #expect(metadata.record.logExcerpt.last?.hasPrefix("exit status 0 after") == true)
        let summary = try String(contentsOf: directory.summaryURL, encoding: .utf8)
        #expect(summary.contains("exit status 0"))
    }

    @Test func nonZeroExitFailsTransientNamingTheStatusAndTheLastLine() async throws {
        let harness = try SubprocessHarness()
        let agent = try harness.agent(harness.configuration("echo working; echo 'disk is on fire' >&2; exit 3"))
        let value = try await harness.runDirectly(agent).result.get()
        guard case .failed(let failureClass, let message) = value.outcome else {
            Issue.record("expected a failure, got \(value.outcome)")
            return
        }
        #expect(failureClass == .transient)
        #expect(message.contains("exit status 3"))
        #expect(message.contains("disk is on fire"))
        #expect(value.counters["exitStatus"] == 3)
    }

    @Test func aSignalThatKillsTheCommandIsNamed() async throws {
        let harness = try SubprocessHarness()
        let agent = try harness.agent(harness.configuration("kill -SEGV $$"))
        let value = try await harness.runDirectly(agent).result.get()
        guard case .failed(.transient, let message) = value.outcome else {
            Issue.record("expected a transient failure, got \(value.outcome)")
            return
        }
        #expect(message.contains("killed by signal \(SIGSEGV) (SIGSEGV)"))
        #expect(value.counters["signal"] == Int64(SIGSEGV))
    }

    @Test func stdinIsClosedSoAReaderGetsEndOfFile() async throws {
        let harness = try SubprocessHarness()
        let agent = try harness.agent(harness.configuration("cat; echo done"))
        let value = try await harness.runDirectly(agent).result.get()
        #expect(value.outcome == .succeeded)
    }

    @Test func theCommandRunsInItsWorkingDirectoryWithItsEnvironment() async throws {
        let harness = try SubprocessHarness()
        let work = try TemporaryDirectory("work")
        var environment = SubprocessEnvironment()
        environment.set("GREETING", to: "bonjour")
        environment.removals.insert("REMOVE_ME")
        var configuration = harness.configuration(
            "pwd; echo \"$GREETING ${INHERITED:-none} ${REMOVE_ME:-removed}\"", environment: environment)
        configuration.workingDirectory = work.url
        let agent = try harness.agent(configuration, parent: ["INHERITED": "yes", "REMOVE_ME": "still here"])
        let (result, _, runID) = await harness.runDirectly(agent)
        #expect(try result.get().outcome == .succeeded)
        let output = try String(contentsOf: agent.logDirectory(for: runID).stdoutURL, encoding: .utf8)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(
            lines.first.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
                == work.url.resolvingSymlinksInPath().path)
        #expect(lines.last == "bonjour yes removed")
    }

    @Test func withoutInheritanceOnlyTheOverridesArePassed() async throws {
        let harness = try SubprocessHarness()
        let environment = SubprocessEnvironment(inheritsParent: false, overrides: ["ONLY": "this"])
        let agent = try harness.agent(
            harness.configuration("echo \"${ONLY}:${INHERITED:-unset}\"", environment: environment),
            parent: ["INHERITED": "yes"])
        let (result, _, runID) = await harness.runDirectly(agent)
        #expect(try result.get().outcome == .succeeded)
        #expect(try String(contentsOf: agent.logDirectory(for: runID).stdoutURL, encoding: .utf8) == "this:unset\n")
    }

    @Test func aMissingExecutableIsAPermanentErrorThatNamesIt() async throws {
        let harness = try SubprocessHarness()
        let configuration = SubprocessConfiguration(executable: "no-such-tool-4242", logRoot: harness.logs.url)
        let agent = try harness.agent(configuration)
        let (result, _, runID) = await harness.runDirectly(agent)
        #expect(throws: SubprocessError.self) { try result.get() }
        guard case .failure(let error as SubprocessError) = result else { return }
        #expect(error.code == .executableNotFound)
        #expect(error.failureClass == .permanent)
        #expect(error.message.contains("no-such-tool-4242"))
        let metadata = try agent.logDirectory(for: runID).readMetadata()
        #expect(metadata.record.status == .failed)
        #expect(metadata.record.errorMessage?.contains("no-such-tool-4242") == true)
    }

    @Test func aMissingWorkingDirectoryIsReportedBeforeStarting() async throws {
        let harness = try SubprocessHarness()
        var configuration = harness.configuration("true")
        configuration.workingDirectory = harness.logs.url.appendingPathComponent("nowhere")
        let result = await harness.runDirectly(try harness.agent(configuration)).result
        guard case .failure(let error as SubprocessError) = result else {
            Issue.record("expected a SubprocessError, got \(result)")
            return
        }
        #expect(error.code == .workingDirectoryNotFound)
    }

    @Test func executablesAreLookedUpInTheChildsPath() async throws {
        let harness = try SubprocessHarness()
        let configuration = SubprocessConfiguration(executable: "echo", arguments: ["found"], logRoot: harness.logs.url)
        let agent = try harness.agent(configuration, parent: ["PATH": "/nonexistent:/bin:/usr/bin"])
        let (result, _, runID) = await harness.runDirectly(agent)
        #expect(try result.get().outcome == .succeeded)
        let metadata = try agent.logDirectory(for: runID).readMetadata()
        #expect(metadata.process?.command.first?.hasSuffix("/echo") == true)
    }

    @Test func theRecordKeepsTheFirstAndLastLines() async throws {
        let harness = try SubprocessHarness()
        let agent = try harness.agent(
            harness.configuration("i=1; while [ $i -le 100 ]; do echo line$i; i=$((i+1)); done"))
        let (result, excerpt, _) = await harness.runDirectly(agent)
        #expect(try result.get().outcome == .succeeded)
        #expect(excerpt.contains("line1"))
        #expect(excerpt.contains("line10"))
        #expect(!excerpt.contains("line11"))
        #expect(excerpt.contains("… 70 line(s) omitted …"))
        #expect(excerpt.contains("line81"))
        #expect(excerpt.contains("line100"))
        #expect(excerpt.count <= 40)
    }
}

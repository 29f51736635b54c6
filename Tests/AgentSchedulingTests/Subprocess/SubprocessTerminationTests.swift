import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import TestDeadlines
import Testing

#if canImport(Glibc)
    import Glibc
#endif

struct SubprocessTerminationTests {
    @Test func aTimeoutKillsTheWholeProcessTreeAndRecordsTimedOut() async throws {
        let harness = try SubprocessHarness()
        let pidFile = harness.logs.url.appendingPathComponent("grandchild.pid")
        let agent = try harness.agent(
            harness.configuration(
                "sleep 300 & echo $! > '\(pidFile.path)'; echo waiting; sleep 300", timeout: .seconds(1)))
        let orchestration = SubprocessOrchestration()
        let started = ContinuousClock.now
        let record = try await orchestration.execute(agent)
        #expect(ContinuousClock.now - started < .seconds(30), "a 1 s timeout must not wait for a 300 s child")
        #expect(record.status == .timedOut)
        #expect(record.errorClass == .timeout)
        let grandchild = try await waitForPID(in: pidFile)
        #expect(await waitUntilGone(grandchild), "the background sleep \(grandchild) survived the timeout")
        let report = try agent.logDirectory(for: record.id).readMetadata().process
        #expect(report?.stoppedBecause == "timeout")
        if let leader = report?.processID { #expect(await waitUntilGone(leader)) }
        #expect(record.logExcerpt.contains("waiting"))
    }

    @Test func aGroupThatIgnoresSIGTERMIsKilledAfterTheGracePeriod() async throws {
        let harness = try SubprocessHarness()
        let pidFile = harness.logs.url.appendingPathComponent("stubborn.pid")
        let agent = try harness.agent(
            harness.configuration(
                "trap '' TERM; sleep 300 & echo $! > '\(pidFile.path)'; while :; do sleep 1; done",
                timeout: .seconds(1), grace: .milliseconds(300)))
        let (result, _, runID) = await harness.runDirectly(agent)
        let value = try result.get()
        guard case .failed(.timeout, let message) = value.outcome else {
            Issue.record("expected a timeout, got \(value.outcome)")
            return
        }
        #expect(message.contains("SIGKILL"))
        #expect(try agent.logDirectory(for: runID).readMetadata().process?.killedAfterGracePeriod == true)
        let stubborn = try await waitForPID(in: pidFile)
        #expect(await waitUntilGone(stubborn), "the SIGTERM-ignoring sleep \(stubborn) survived")
    }

    @Test func cancellationStopsTheProcessGroupAndThrowsCancellation() async throws {
        let harness = try SubprocessHarness()
        let pidFile = harness.logs.url.appendingPathComponent("cancelled.pid")
        let agent = try harness.agent(
            harness.configuration("sleep 300 & echo $! > '\(pidFile.path)'; sleep 300", timeout: .seconds(60)))
        let runID = RunIDGenerator().next(at: Date())
        let task = Task { await harness.runDirectly(agent, runID: runID) }
        let grandchild = try await waitForPID(in: pidFile)
        task.cancel()
        let (result, _, _) = try await within("the task to end") { await task.value }
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(await waitUntilGone(grandchild))
        let metadata = try agent.logDirectory(for: runID).readMetadata()
        #expect(metadata.process?.stoppedBecause == "cancelled")
        #expect(metadata.record.status == .cancelled)
    }

    @Test func processesLeftRunningAfterASuccessfulExitAreTerminated() async throws {
        let harness = try SubprocessHarness()
        let pidFile = harness.logs.url.appendingPathComponent("leftover.pid")
        let agent = try harness.agent(harness.configuration("sleep 300 & echo $! > '\(pidFile.path)'; echo done"))
        let (result, _, runID) = await harness.runDirectly(agent)
        let value = try result.get()
        #expect(value.outcome == .succeeded)
        #expect(value.warnings.contains { $0.contains("left processes running") })
        #expect(try agent.logDirectory(for: runID).readMetadata().process?.terminatedLeftoverProcesses == true)
        #expect(await waitUntilGone(try await waitForPID(in: pidFile)))
    }

    @Test func aWriterThatEscapedTheGroupDoesNotHoldTheRunOpen() async throws {
        let harness = try SubprocessHarness()
        let pidFile = harness.logs.url.appendingPathComponent("escaped.pid")
        // The command waits until the background process has left the group (its pid file is written after setsid).
        let agent = try harness.agent(
            harness.configuration(
                """
                setsid sh -c 'echo $$ > "$0"; exec sleep 60' '\(pidFile.path)' &
                while [ ! -s '\(pidFile.path)' ]; do sleep 0.05; done
                echo started
                """))
        let started = ContinuousClock.now
        let value = try await harness.runDirectly(agent).result.get()
        let escaped = try await waitForPID(in: pidFile)
        defer { kill(escaped, SIGKILL) }
        // The escaped process holds stdout for 60 s; the run must not wait for it (generous bound for loaded CI).
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(value.outcome == .succeeded)
    }
}

import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import TestDeadlines
import Testing

struct OrchestratorTests {
    @Test func oneHundredConcurrentRequestsWithOneKeyExecuteOnce() async throws {
        let harness = OrchestratorHarness()
        let counter = ExecutionCounter()
        let agent = ClosureAgent(name: "once") { _, _ in
            counter.increment()
            await Task.yield()
            return .succeeded("done")
        }
        let key = try IdempotencyKey("shared-key")
        let results = try await withThrowingTaskGroup(of: RunExecution.self) { group in
            for _ in 0..<100 {
                group.addTask {
                    try await harness.orchestrator.execute(
                        AgentRunRequest(agent: "once", idempotencyKey: key), agent: agent)
                }
            }
            var results: [RunExecution] = []
            for try await result in group { results.append(result) }
            return results
        }
        #expect(counter.value == 1)
        #expect(results.filter { $0.disposition == .executed }.count == 1)
        #expect(results.filter { $0.disposition != .executed }.count == 99)
        let records = try await harness.allRecords()
        #expect(records.count == 1)
        #expect(records.first?.status == .succeeded)
        #expect(harness.kinds([.runDeduplicated]).count == 99)
        #expect(harness.kinds(OrchestratorHarness.terminalKinds) == [.runSucceeded])
        // Once the run has succeeded, a further request is a plain duplicate that returns the record.
        let later = try await harness.orchestrator.execute(
            AgentRunRequest(agent: "once", idempotencyKey: key), agent: agent)
        #expect(later.disposition == .duplicate)
        #expect(later.record.id == records.first?.id)
    }

    struct TerminalPath: Sendable, CustomStringConvertible {
        let description: String
        let status: RunStatus
        let errorClass: FailureClass?
        let event: RunEvent.Kind
        let body: ClosureAgent.Body
    }

    static let terminalPaths: [TerminalPath] = [
        TerminalPath(description: "success", status: .succeeded, errorClass: nil, event: .runSucceeded) { _, _ in
            .succeeded("ok", counters: ["items": 3])
        },
        TerminalPath(description: "no-op", status: .noOp, errorClass: nil, event: .runSucceeded) { _, _ in
            .noOp("nothing new")
        },
        TerminalPath(description: "returned failure", status: .failed, errorClass: .permanent, event: .runFailed) {
            _, _ in .failed(.permanent, "bad config")
        },
        TerminalPath(description: "classified throw", status: .failed, errorClass: .rateLimited, event: .runFailed) {
            _, _ in throw AgentFailure.rateLimited("usage limit", retryAfter: .seconds(120))
        },
        TerminalPath(description: "unknown throw", status: .failed, errorClass: .transient, event: .runFailed) {
            _, _ in throw URLError(.timedOut)
        },
        TerminalPath(
            description: "agent cancels itself", status: .cancelled, errorClass: .cancelled, event: .runCancelled
        ) {
            _, _ in throw CancellationError()
        },
    ]

    @Test(arguments: terminalPaths)
    func everyTerminalPathWritesExactlyOneTerminalRecord(_ path: TerminalPath) async throws {
        let harness = OrchestratorHarness()
        let agent = ClosureAgent(name: "path", body: path.body)
        let execution = try await harness.orchestrator.execute(AgentRunRequest(agent: "path"), agent: agent)
        let records = try await harness.allRecords()
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record == execution.record)
        #expect(record.status == path.status)
        #expect(record.errorClass == path.errorClass)
        #expect(record.startedAt != nil && record.endedAt != nil)
        #expect(record.leaseExpiresAt == nil)
        #expect(harness.kinds(OrchestratorHarness.terminalKinds) == [path.event])
        #expect(harness.kinds([.runQueued, .runStarted]) == [.runQueued, .runStarted])
        if path.errorClass == .rateLimited { #expect(execution.retryAfter == .seconds(120)) }
    }

    @Test func aTimedOutAgentIsCancelledAndRecordedWithinItsGracePeriod() async throws {
        let harness = OrchestratorHarness()
        let observedCancellation = ExecutionCounter()
        let agent = ClosureAgent(
            name: "slow", policy: RunPolicy(timeout: .seconds(10), cancellationGracePeriod: .seconds(5))
        ) { _, context in
            do {
                try await context.clock.sleep(for: .seconds(3600))
            } catch is CancellationError {
                observedCancellation.increment()
                throw CancellationError()
            }
            return .succeeded()
        }
        let run = Task { try await harness.orchestrator.execute(AgentRunRequest(agent: "slow"), agent: agent) }
        try await within("2 sleeper(s) on the clock") { await harness.clock.waitForSleepers(count: 2) }
        await harness.clock.advance(by: .seconds(10))
        let execution = try await within("the task to end") { try await run.value }
        #expect(observedCancellation.value == 1)
        #expect(execution.record.status == .timedOut)
        #expect(execution.record.errorClass == .timeout)
        #expect(execution.record.errorMessage?.contains("stopped within its grace period") == true)
        let elapsed = try #require(execution.record.duration)
        #expect(elapsed >= .seconds(10) && elapsed <= .seconds(15))
        #expect(harness.kinds(OrchestratorHarness.terminalKinds) == [.runTimedOut])
    }

    @Test func anAgentThatIgnoresCancellationIsRecordedWhenTheGracePeriodEnds() async throws {
        let harness = OrchestratorHarness()
        let gate = CancellationIgnoringGate()
        let agent = ClosureAgent(
            name: "stubborn", policy: RunPolicy(timeout: .seconds(10), cancellationGracePeriod: .seconds(5))
        ) { _, _ in
            // Ignores cancellation: waits for a gate that opens only after the run was recorded.
            await gate.wait()
            return .succeeded()
        }
        let run = Task { try await harness.orchestrator.execute(AgentRunRequest(agent: "stubborn"), agent: agent) }
        try await within("1 sleeper(s) on the clock") { await harness.clock.waitForSleepers(count: 1) }
        await harness.clock.advance(by: .seconds(10))
        try await within("1 sleeper(s) on the clock") { await harness.clock.waitForSleepers(count: 1) }
        await harness.clock.advance(by: .seconds(5))
        let execution = try await within("the task to end") { try await run.value }
        gate.open()
        #expect(execution.record.status == .timedOut)
        #expect(execution.record.errorMessage?.contains("did not stop within its 5 s grace period") == true)
        #expect(execution.record.duration == .seconds(15))
    }

    @Test func cancellingTheCallerCancelsTheAgentAndRecordsCancelled() async throws {
        let harness = OrchestratorHarness()
        let agent = ClosureAgent(name: "long") { _, context in
            try await context.clock.sleep(for: .seconds(3600))
            return .succeeded()
        }
        let run = Task { try await harness.orchestrator.execute(AgentRunRequest(agent: "long"), agent: agent) }
        try await within("2 sleeper(s) on the clock") { await harness.clock.waitForSleepers(count: 2) }
        run.cancel()
        let execution = try await within("the task to end") { try await run.value }
        #expect(execution.record.status == .cancelled)
        #expect(try await harness.store.run(id: execution.record.id)?.status == .cancelled)
        #expect(harness.kinds(OrchestratorHarness.terminalKinds) == [.runCancelled])
    }

    @Test func theLeaseIsRenewedWhileTheAgentWorks() async throws {
        let harness = OrchestratorHarness()
        let agent = ClosureAgent(
            name: "worker", policy: RunPolicy(timeout: .seconds(600), leaseDuration: .seconds(30))
        ) { _, context in
            try await context.clock.sleep(for: .seconds(300))
            return .succeeded()
        }
        let run = Task { try await harness.orchestrator.execute(AgentRunRequest(agent: "worker"), agent: agent) }
        try await within("2 sleeper(s) on the clock") { await harness.clock.waitForSleepers(count: 2) }
        for _ in 0..<10 {
            await harness.clock.advance(by: .seconds(25))
            #expect(try await harness.store.abandonExpiredRuns().isEmpty)
            let running = try #require(try await harness.allRecords().first)
            #expect(running.status == .running)
            #expect(running.hasLiveLease(at: harness.clock.now))
        }
        await harness.clock.advance(by: .seconds(50))
        let execution = try await within("the task to end") { try await run.value }
        #expect(execution.record.status == .succeeded)
    }

    @Test func progressAndLogLinesBecomeEventsAndALogExcerpt() async throws {
        let harness = OrchestratorHarness()
        let agent = ClosureAgent(name: "chatty") { _, context in
            context.log("step one")
            context.reportProgress(0.5, "halfway")
            context.log("careful", level: "warning")
            return .succeeded()
        }
        let execution = try await harness.orchestrator.execute(AgentRunRequest(agent: "chatty"), agent: agent)
        #expect(execution.record.logExcerpt == ["step one", "[warning] careful"])
        #expect(harness.emitted.filter { $0.kind == .runProgress }.map(\.progress) == [0.5])
        #expect(harness.kinds([.runLog]).count == 2)
    }

    @Test func aRequestForAnotherAgentIsRejected() async throws {
        let harness = OrchestratorHarness()
        let agent = ClosureAgent(name: "right") { _, _ in .succeeded() }
        await #expect {
            try await harness.orchestrator.execute(AgentRunRequest(agent: "wrong"), agent: agent)
        } throws: { error in
            (error as? OrchestratorError)?.code == .agentMismatch
        }
        #expect(try await harness.allRecords().isEmpty)
    }
}

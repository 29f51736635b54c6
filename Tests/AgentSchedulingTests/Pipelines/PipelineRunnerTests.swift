import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import Synchronization
import Testing

/// A runner drives its pipelines' candidates: submitted by another process, retried on request, and carried on
/// when the process running a stage died; on the virtual clock with the in-memory and the JSON-file store.
@Suite struct PipelineRunnerTests {
    private func quant() throws -> PipelineDefinition {
        try PipelineDefinition(
            name: "quant",
            stages: [
                StageDefinition(name: "research", agent: "researcher", requiredArtifacts: ["spec"]),
                StageDefinition(name: "backtest", agent: "backtester", requiredArtifacts: ["report"]),
            ])
    }

    /// A runner on the harness's store (or another handle on it) driving the pipeline, running.
    private func runner(
        _ harness: PipelineHarness, _ pipeline: PipelineDefinition, store: (any PipelineStore)? = nil
    ) throws -> RunningRunner {
        var options = runnerOptions("r1", plans: [])
        options.pipelines = [pipeline]
        return RunningRunner(
            try AgentRunner(
                agents: harness.agents.agents(pipeline.agents.sorted()), store: store ?? harness.store,
                clock: harness.clock, events: harness.events, options: options))
    }

    private func waitFor(
        _ id: String, in store: any PipelineStore, sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: @escaping @Sendable (Candidate) -> Bool
    ) async -> Candidate? {
        var last: Candidate?
        await eventually(
            "candidate \(id) never got there; last: \(String(describing: last))", sourceLocation: sourceLocation
        ) {
            last = try? await store.candidate(id: id)
            return last.map(condition) ?? false
        }
        return last
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func aCandidateSubmittedByAnotherProcessRunsThroughEveryStage(_ kind: WorkflowStoreKind) async throws {
        let harness = try await PipelineHarness(kind)
        harness.agents.script("researcher", .producing("spec"))
        harness.agents.script("backtester", .producing("report"))
        let running = try runner(harness, try quant())
        let other = try await harness.handle()
        _ = try await other.submitCandidate(Candidate(id: "momentum-v7", pipeline: "quant"))

        let done = try #require(await waitFor("momentum-v7", in: harness.store) { $0.state == .completed })
        #expect(done.attempts == [1, 1])
        #expect(try await harness.store.promotions(candidateID: "momentum-v7").map(\.stage) == [0, 1])
        #expect(harness.agents.order == ["researcher", "backtester"])
        await running.stop(clock: harness.clock)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func afterAFinalFailureTheStageWaitsForARetryThenRunsAgain(_ kind: WorkflowStoreKind) async throws {
        let harness = try await PipelineHarness(kind)
        harness.agents.script("researcher", .producing("spec"))
        harness.agents.script("backtester", .failed(.permanent, "the spec is wrong"), .producing("report"))
        let running = try runner(harness, try quant())
        let other = try await harness.handle()
        _ = try await other.submitCandidate(Candidate(id: "momentum-v7", pipeline: "quant"))
        let failed = try #require(
            await waitFor("momentum-v7", in: harness.store) { $0.stage == 1 && $0.failureCount(at: 1) == 1 })
        #expect(failed.state == .ready && failed.retryRequestedBy == nil)
        // Sweeps find nothing to start: the failed stage waits for a person.
        for _ in 0..<3 { await harness.clock.advance(by: .seconds(10)) }
        #expect(harness.agents.starts("backtester") == 1)

        let asked = try await PipelineCoordinator.requestRetry(
            of: "momentum-v7", by: "ana", comment: nil, in: other)
        #expect(asked.retryRequestedBy == "ana")
        let done = try #require(await waitFor("momentum-v7", in: harness.store) { $0.state == .completed })
        #expect(done.attempts == [1, 2] && done.retryRequestedBy == nil)
        #expect(harness.agents.starts("backtester") == 2)
        // The figures as the store records them, for any process (agentctl health --json).
        let figures = try await PipelineMetrics.figures(of: [try quant()], in: other)
        #expect(figures.map(\.stage) == ["backtest", "research"])
        #expect(figures.map(\.runs) == [2, 1])
        #expect(figures.first?.failureClasses == [FailureClass.permanent.rawValue: 1])
        #expect(figures.last?.failureClasses == [:])
        #expect(figures.allSatisfy { $0.handOffP50Seconds == 0 && $0.queueDepth == 0 })
        await running.stop(clock: harness.clock)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func aStageRunWhoseProcessDiedIsAbandonedCountedAndRetried(_ kind: WorkflowStoreKind) async throws {
        let harness = try await PipelineHarness(kind)
        harness.agents.script("researcher", .producing("spec"))
        harness.agents.script("backtester", .producing("report"))
        // A dead process started stage 0 and claimed its run, then stopped renewing the lease.
        let dead = StageRunIdentity(candidateID: "momentum-v7", stage: 0, attempt: 1)
        _ = try await harness.store.submitCandidate(Candidate(id: "momentum-v7", pipeline: "quant"))
        _ = try await harness.store.startStageRun(candidateID: "momentum-v7", stage: 0, runID: dead.runID)
        let now = harness.clock.now
        let claim = RunClaim(
            record: RunRecord(
                id: RunIDGenerator().next(at: now),
                request: AgentRunRequest(agent: "researcher", idempotencyKey: dead.idempotencyKey), status: .running,
                queuedAt: now),
            owner: "dead", leaseDuration: .seconds(30))
        _ = try await harness.store.claimRun(claim)
        await harness.clock.advance(by: .seconds(31))

        let running = try runner(harness, try quant(), store: try await harness.handle())
        let done = try #require(await waitFor("momentum-v7", in: harness.store) { $0.state == .completed })
        #expect(done.attempts == [2, 1])
        #expect(try await harness.store.run(id: claim.record.id)?.status == .abandoned)
        #expect(harness.agents.starts("researcher") == 1)
        await running.stop(clock: harness.clock)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func threeFinalFailuresPauseTheCandidateAndPublishOnePause(_ kind: WorkflowStoreKind) async throws {
        let harness = try await PipelineHarness(kind)
        harness.agents.script("researcher", .failed(.permanent, "no data"))
        let pauses = Mutex(0)
        harness.events.addSink { event in
            if event.kind == .candidatePaused { pauses.withLock { $0 += 1 } }
        }
        let running = try runner(harness, try quant())
        _ = try await harness.store.submitCandidate(Candidate(id: "momentum-v7", pipeline: "quant"))
        for count in 1...2 {
            _ = await waitFor("momentum-v7", in: harness.store) {
                $0.failureCount(at: 0) == count && $0.state == .ready
            }
            _ = try await PipelineCoordinator.requestRetry(
                of: "momentum-v7", by: "ana", comment: nil, in: harness.store)
        }
        let paused = try #require(await waitFor("momentum-v7", in: harness.store) { $0.state.pause != nil })
        #expect(paused.state.pause?.by == "pipeline")
        #expect(harness.agents.starts("researcher") == 3)
        await eventually("no candidatePaused event") { pauses.withLock { $0 } >= 1 }
        for _ in 0..<3 { await harness.clock.advance(by: .seconds(10)) }
        #expect(pauses.withLock { $0 } == 1)
        await running.stop(clock: harness.clock)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func aStageWithAnApprovalWaitsForAPersonThenPromotesOrCountsTheRejection(_ kind: WorkflowStoreKind)
        async throws
    {
        let harness = try await PipelineHarness(kind)
        harness.agents.script("researcher", .producing("spec"))
        let pipeline = try PipelineDefinition(
            name: "quant",
            stages: [
                StageDefinition(
                    name: "research", agent: "researcher", requiredArtifacts: ["spec"],
                    approval: ApprovalPolicy(approvers: ["ana"]))
            ])
        let running = try runner(harness, pipeline)
        let other = try await harness.handle()
        let desk = ApprovalDesk(store: other)
        for id in ["approved-one", "rejected-one"] {
            _ = try await other.submitCandidate(Candidate(id: id, pipeline: "quant"))
        }
        var requests: [ApprovalRequest] = []
        await eventually("two pending approval requests") {
            requests = (try? await other.approvals(in: [.pending], limit: 10)) ?? []
            return requests.count == 2
        }
        for id in ["approved-one", "rejected-one"] {
            #expect(try await other.candidate(id: id)?.state == .awaitingApproval)
        }
        #expect(requests.allSatisfy { $0.taskName == "research" && $0.approvers == ["ana"] })
        for request in requests {
            let record = try #require(try await other.run(id: request.runID))
            let approve = record.idempotencyKey.rawValue.contains("approved-one")
            _ = try await desk.decide(runID: request.runID, verdict: approve ? .approve : .reject, by: "ana")
        }
        let approved = try #require(await waitFor("approved-one", in: harness.store) { $0.state == .completed })
        #expect(approved.failures == [0])
        let rejected = try #require(
            await waitFor("rejected-one", in: harness.store) { $0.state == .ready && $0.failureCount(at: 0) == 1 })
        #expect(try await harness.store.promotions(candidateID: rejected.id).isEmpty)
        await running.stop(clock: harness.clock)
    }
}

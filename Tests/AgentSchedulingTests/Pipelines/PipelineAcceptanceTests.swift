import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import Synchronization
import TestDeadlines
import Testing

/// The ten acceptance tests of staged pipelines, on the virtual clock, against the in-memory and JSON-file stores.
struct PipelineAcceptanceTests {
    /// research → backtest (gate: a check that reads the report's verdict) → rollout.
    static func quant(gate: GateDefinition = .artifactsPresent, pauseAfter: Int = 3) throws -> PipelineDefinition {
        try PipelineDefinition(
            name: "quant",
            stages: [
                StageDefinition(name: "research", agent: "researcher", requiredArtifacts: ["spec"]),
                StageDefinition(
                    name: "backtest", agent: "backtester", requiredArtifacts: ["report"], gate: gate,
                    pauseAfterFailures: pauseAfter),
                StageDefinition(name: "rollout", agent: "deployer"),
            ])
    }

    static func verdict(_ outcome: GateOutcome) -> GateDefinition {
        .check(ArtifactCheck(name: "sharpe") { _ in (outcome, "sharpe ratio judged \(outcome)") })
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func oneActiveStageRunAndOnePromotionAcrossTwoRunners(_ kind: WorkflowStoreKind) async throws {
        // Tests 1 and 2: two runners on two handles submit and advance the same candidate stage at once.
        let harness = try await PipelineHarness(kind)
        harness.agents.script("researcher", .producing("spec"))
        let gate = harness.agents.hold("researcher")
        let first = try harness.coordinator(try Self.quant(), owner: "runner-a")
        let second = try harness.coordinator(try Self.quant(), store: try await harness.handle(), owner: "runner-b")
        try await first.submit(candidateID: "momentum-v7", pipeline: "quant")
        try await second.submit(candidateID: "momentum-v7", pipeline: "quant")
        let running = Task { try await first.advance(candidateID: "momentum-v7") }
        try await within("the first stage run to start") {
            while harness.agents.starts("researcher") == 0 { await Task.yield() }
        }
        let refused = try await second.advance(candidateID: "momentum-v7")
        guard case .refused(_, let reason) = refused else {
            Issue.record("the second runner started a stage run: \(refused)")
            return
        }
        #expect(reason.contains("running"))
        gate.open()
        let step = try await within("the stage run to end") { try await running.value }
        guard case .promoted(let promotion, let candidate) = step else {
            Issue.record("the stage was not promoted: \(step)")
            return
        }
        #expect(candidate.stage == 1 && candidate.state == .ready)
        #expect(harness.agents.starts("researcher") == 1)
        #expect(try await harness.store.queryRuns(RunQuery(agent: "researcher", limit: 10)).records.count == 1)
        // A replay of the same promotion (a duplicate submission) promotes nothing twice.
        let replay = try await harness.handle().promote(promotion)
        #expect(!replay.created)
        #expect(try await harness.store.promotions(candidateID: "momentum-v7").count == 1)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func aStageWithoutItsRequiredArtifactIsNotPromoted(_ kind: WorkflowStoreKind) async throws {
        let harness = try await PipelineHarness(kind)
        harness.agents.script("researcher", .producing("notes"))
        let coordinator = try harness.coordinator(try Self.quant())
        try await coordinator.submit(candidateID: "c1", pipeline: "quant")
        let step = try await coordinator.advance(candidateID: "c1")
        guard case .failed(let candidate, let reason) = step else {
            Issue.record("expected a failure, got \(step)")
            return
        }
        #expect(reason.hasPrefix("missingArtifact"))
        #expect(candidate.stage == 0 && candidate.failureCount(at: 0) == 1 && candidate.state == .ready)
        #expect(try await harness.store.promotions(candidateID: "c1").isEmpty)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func aFailedGateCountsOneFailureAndPromotesNothing(_ kind: WorkflowStoreKind) async throws {
        let harness = try await PipelineHarness(kind)
        harness.agents.script("researcher", .producing("spec"))
        harness.agents.script("backtester", .producing("report"))
        let coordinator = try harness.coordinator(try Self.quant(gate: Self.verdict(.failed)))
        try await coordinator.submit(candidateID: "c1", pipeline: "quant")
        _ = try await coordinator.advance(candidateID: "c1")
        let step = try await coordinator.advance(candidateID: "c1")
        guard case .failed(let candidate, _) = step else {
            Issue.record("expected a failed gate, got \(step)")
            return
        }
        #expect(candidate.stage == 1 && candidate.state == .ready && candidate.failureCount(at: 1) == 1)
        #expect(candidate.gate?.outcome == .failed)
        #expect(try await harness.store.promotions(candidateID: "c1").count == 1)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func anInconclusiveGatePausesWithoutCountingAndAPersonPromotes(_ kind: WorkflowStoreKind) async throws {
        let harness = try await PipelineHarness(kind)
        harness.agents.script("researcher", .producing("spec"))
        harness.agents.script("backtester", .producing("report"))
        let coordinator = try harness.coordinator(try Self.quant(gate: Self.verdict(.inconclusive)))
        try await coordinator.submit(candidateID: "c1", pipeline: "quant")
        _ = try await coordinator.advance(candidateID: "c1")
        let step = try await coordinator.advance(candidateID: "c1")
        guard case .paused(let candidate) = step else {
            Issue.record("expected a pause, got \(step)")
            return
        }
        #expect(candidate.failureCount(at: 1) == 0 && candidate.state.pause?.reason.contains("inconclusive") == true)
        guard case .paused = try await coordinator.advance(candidateID: "c1") else {
            Issue.record("a paused candidate ran its stage")
            return
        }
        #expect(harness.agents.starts("backtester") == 1)
        await #expect(throws: StoreError.self) { _ = try await coordinator.promote(candidateID: "c1", as: "") }
        guard case .promoted(let promotion, let moved) = try await coordinator.promote(candidateID: "c1", as: "alice")
        else {
            Issue.record("the human promotion did not promote")
            return
        }
        #expect(promotion.overriddenBy == "alice" && moved.stage == 2 && moved.state == .ready)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func threeFinalFailuresPauseOnceAndAResumeByANamedPersonRunsAgain(_ kind: WorkflowStoreKind) async throws {
        // Tests 6 and 7.
        let harness = try await PipelineHarness(kind)
        let paused = Mutex<[RunEvent]>([])
        harness.events.addSink { event in
            if event.kind == .candidatePaused { paused.withLock { $0.append(event) } }
        }
        harness.agents.script("researcher", .failed(.permanent, "spec rejected"))
        let coordinator = try harness.coordinator(try Self.quant())
        try await coordinator.submit(candidateID: "c1", pipeline: "quant")
        for expected in 1...2 {
            guard case .failed(let candidate, _) = try await coordinator.advance(candidateID: "c1") else {
                Issue.record("failure \(expected) did not count")
                return
            }
            #expect(candidate.failureCount(at: 0) == expected)
        }
        guard case .paused(let candidate) = try await coordinator.advance(candidateID: "c1") else {
            Issue.record("the third final failure did not pause")
            return
        }
        #expect(candidate.state.pause?.by == "pipeline")
        #expect(paused.withLock { $0.count } == 1)
        guard case .paused = try await coordinator.advance(candidateID: "c1") else {
            Issue.record("a fourth submission ran")
            return
        }
        guard
            case .refused = try await harness.store.startStageRun(
                candidateID: "c1", stage: 0, runID: RunIDGenerator().next(at: harness.clock.now))
        else {
            Issue.record("the store started a stage run of a paused candidate")
            return
        }
        #expect(harness.agents.starts("researcher") == 3)
        harness.agents.script("researcher", .producing("spec"))
        let resumed = try await coordinator.resume(candidateID: "c1", by: "bob", comment: "fixed the data")
        #expect(resumed.failureCount(at: 0) == 0 && resumed.state == .ready)
        guard case .promoted = try await coordinator.advance(candidateID: "c1") else {
            Issue.record("the resumed candidate did not run its next attempt")
            return
        }
        #expect(harness.agents.starts("researcher") == 4)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func aTransientFailureRetriedToSuccessCountsNothingAndAPermanentOneCountsOnce(_ kind: WorkflowStoreKind)
        async throws
    {
        let harness = try await PipelineHarness(kind)
        harness.agents.script("researcher", .failed(.transient, "feed timeout"), .producing("spec"))
        harness.agents.script("backtester", .failed(.permanent, "bad spec"), .producing("report"))
        let retry = RetryPolicy(maximumRetries: 2, initialDelay: .zero, jitter: 0)
        let coordinator = try harness.coordinator(try Self.quant(), retry: retry)
        try await coordinator.submit(candidateID: "c1", pipeline: "quant")
        guard case .promoted(_, let candidate) = try await coordinator.advance(candidateID: "c1") else {
            Issue.record("the transient failure was not retried to success")
            return
        }
        #expect(candidate.failureCount(at: 0) == 0 && harness.agents.starts("researcher") == 2)
        guard case .failed(let failed, _) = try await coordinator.advance(candidateID: "c1") else {
            Issue.record("the permanent failure did not fail the stage")
            return
        }
        #expect(failed.failureCount(at: 1) == 1 && harness.agents.starts("backtester") == 1)
        let figures = try await coordinator.figures()
        #expect(figures.first { $0.stage == "research" }?.retries == 1)
        #expect(figures.first { $0.stage == "backtest" }?.failureClasses == ["permanent": 1])
        #expect(figures.first { $0.stage == "backtest" }?.queueDepth == 1)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func aCrashAfterThePromotionThenAResubmissionPromotesOnce(_ kind: WorkflowStoreKind) async throws {
        // The promotion reached the store but its caller died before acknowledging; a new process resubmits it.
        let harness = try await PipelineHarness(kind)
        harness.agents.script("researcher", .producing("spec"))
        let coordinator = try harness.coordinator(try Self.quant())
        try await coordinator.submit(candidateID: "c1", pipeline: "quant")
        guard case .promoted(let promotion, _) = try await coordinator.advance(candidateID: "c1") else {
            Issue.record("the stage was not promoted")
            return
        }
        let restarted = try await harness.handle()
        let again = try await restarted.promote(promotion)
        #expect(!again.created && again.candidate.stage == 1)
        #expect(try await restarted.promotions(candidateID: "c1").count == 1)
        #expect(try await restarted.candidate(id: "c1")?.stage == 1)
    }

    @Test(arguments: WorkflowStoreKind.allCases)
    func artifactsChangedAfterAPassedGateAreNotPromotedUntilGatedAgain(_ kind: WorkflowStoreKind) async throws {
        let harness = try await PipelineHarness(kind)
        let directory = try TemporaryDirectory("pipeline-artifacts")
        let report = directory.url.appendingPathComponent("report.json")
        try Data("{\"sharpe\":1.4}".utf8).write(to: report)
        let tampered = Mutex(false)
        // The gate passes, and the first time the report is rewritten right after it was judged.
        let gate = GateDefinition.check(
            ArtifactCheck(name: "sharpe") { _ in
                if !tampered.withLock({ $0 }) {
                    tampered.withLock { $0 = true }
                    try? Data("{\"sharpe\":0.2}".utf8).write(to: report)
                }
                return (.passed, "sharpe 1.4")
            })
        harness.agents.script("researcher", .producing("spec"))
        harness.agents.script(
            "backtester",
            AgentRunResult(outcome: .succeeded, artifacts: [RunArtifact(name: "report", uri: report.path)]))
        let coordinator = try harness.coordinator(try Self.quant(gate: gate))
        try await coordinator.submit(candidateID: "c1", pipeline: "quant")
        _ = try await coordinator.advance(candidateID: "c1")
        guard case .refused(let candidate, let reason) = try await coordinator.advance(candidateID: "c1") else {
            Issue.record("changed artifacts were promoted")
            return
        }
        #expect(reason.contains("gate them again"))
        #expect(candidate.stage == 1 && candidate.state == .ready && candidate.failureCount(at: 1) == 0)
        guard case .promoted(_, let moved) = try await coordinator.advance(candidateID: "c1") else {
            Issue.record("the re-gated artifacts were not promoted")
            return
        }
        #expect(moved.stage == 2)
    }
}

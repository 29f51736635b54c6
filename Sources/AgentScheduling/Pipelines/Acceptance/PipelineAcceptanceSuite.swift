import AgentCore
import Foundation
import Synchronization

/// The acceptance checks of staged pipelines, runnable against any ``PipelineStore``: coordinators with schedulers
/// of their own (as separate runners would have) drive scripted stage agents on a virtual clock, over one store and
/// a second handle on it.
///
/// The built-in stores pass it in this package's tests and the PostgreSQL store in its own; a custom store proves
/// itself the same way:
///
/// ```swift
/// let passed = try await PipelineAcceptanceSuite.run(
///     makeStore: { clock in try await MyStore.open(clock: clock) },
///     makeHandle: { store, clock in try await MyStore.open(sameAs: store, clock: clock) })
/// ```
///
/// The checks: one active stage run and one promotion across two runners (a replayed promotion creates nothing); a
/// stage without its required artifact is not promoted; a failed gate counts one failure; an inconclusive gate
/// pauses without counting and a named person promotes; three final failures pause once and a named person's
/// resume runs the stage again; a transient failure retried to success counts nothing while a permanent one counts
/// once (with the stage figures); a promotion resubmitted after a crash promotes once; artifacts changed after a
/// passed gate are not promoted until gated again.
public enum PipelineAcceptanceSuite {
    /// Opens an empty store that reads time from the clock.
    public typealias StoreFactory = @Sendable (ManualClock) async throws -> any PipelineStore
    /// Opens another handle on a store's storage, as another process would (the store itself when it has none).
    public typealias HandleFactory = @Sendable (any PipelineStore, ManualClock) async throws -> any PipelineStore

    /// The name of every check, in the order they run.
    public static var checkNames: [String] { checks.map(\.name) }

    /// Runs the checks, each on a fresh store.
    /// - Parameters:
    ///   - only: The names of the checks to run (default: all).
    ///   - makeStore: Opens an empty store.
    ///   - makeHandle: Opens a second handle on a store.
    /// - Returns: The names of the checks that ran (all passed).
    /// - Throws: ``PipelineAcceptanceFailure`` for the first check that failed.
    @discardableResult
    public static func run(
        only: Set<String>? = nil, makeStore: StoreFactory, makeHandle: @escaping HandleFactory
    ) async throws -> [String] {
        var passed: [String] = []
        for check in checks where only?.contains(check.name) ?? true {
            let clock = ManualClock(start: Date(timeIntervalSince1970: 1_736_899_200))  // 2025-01-15 00:00 UTC
            let harness = Harness(clock: clock, store: try await makeStore(clock), makeHandle: makeHandle)
            do {
                try await check.body(harness)
            } catch let failure as Expectation {
                throw PipelineAcceptanceFailure(check: check.name, message: failure.message)
            } catch {
                throw PipelineAcceptanceFailure(check: check.name, message: "unexpected error: \(error)")
            }
            passed.append(check.name)
        }
        return passed
    }

    private struct Check: Sendable {
        let name: String
        let body: @Sendable (Harness) async throws -> Void
    }

    private static let checks: [Check] = [
        Check(name: "oneActiveStageRunAndOnePromotionAcrossTwoRunners", body: oneActiveStageRunAndOnePromotion),
        Check(name: "aStageWithoutItsRequiredArtifactIsNotPromoted", body: missingArtifactIsNotPromoted),
        Check(name: "aFailedGateCountsOneFailureAndPromotesNothing", body: failedGateCountsOneFailure),
        Check(name: "anInconclusiveGatePausesWithoutCountingAndAPersonPromotes", body: inconclusiveGatePauses),
        Check(name: "threeFinalFailuresPauseOnceAndANamedPersonsResumeRunsAgain", body: threeFailuresPauseOnce),
        Check(name: "aTransientFailureRetriedCountsNothingAndAPermanentOneCountsOnce", body: transientAndPermanent),
        Check(name: "aPromotionResubmittedAfterACrashPromotesOnce", body: resubmittedPromotionPromotesOnce),
        Check(name: "artifactsChangedAfterAPassedGateAreNotPromotedUntilGatedAgain", body: changedArtifacts),
    ]

    // MARK: Checks

    private static func oneActiveStageRunAndOnePromotion(_ harness: Harness) async throws {
        harness.agents.script("researcher", .producing("spec"))
        harness.agents.hold("researcher")
        let first = try harness.coordinator(try quant(), owner: "runner-a")
        let second = try harness.coordinator(try quant(), store: try await harness.handle(), owner: "runner-b")
        _ = try await first.submit(candidateID: "momentum-v7", pipeline: "quant")
        _ = try await second.submit(candidateID: "momentum-v7", pipeline: "quant")
        let running = Task { try await first.advance(candidateID: "momentum-v7") }
        defer { running.cancel() }
        try await bounded("the first stage run to start") {
            while harness.agents.starts("researcher") == 0 { try await Task.sleep(for: .milliseconds(1)) }
        }
        let refused = try await second.advance(candidateID: "momentum-v7")
        guard case .refused(_, let reason) = refused else {
            throw Expectation("the second runner started a stage run of a candidate with one active: \(refused)")
        }
        try expect(reason.contains("running"), "the refusal does not say the stage is running: \(reason)")
        harness.agents.release("researcher")
        let step = try await bounded("the stage run to end") { try await running.value }
        guard case .promoted(let promotion, let candidate) = step else {
            throw Expectation("the stage was not promoted: \(step)")
        }
        try expect(
            candidate.stage == 1 && candidate.state == .ready, "promoted to \(candidate.stage) \(candidate.state)")
        try expect(harness.agents.starts("researcher") == 1, "\(harness.agents.starts("researcher")) stage runs")
        let records = try await harness.store.queryRuns(RunQuery(agent: "researcher", limit: 10)).records
        try expect(records.count == 1, "\(records.count) run records of the stage, expected 1")
        let replay = try await harness.handle().promote(promotion)
        try expect(!replay.created, "a replayed promotion created a second one")
        let promotions = try await harness.store.promotions(candidateID: "momentum-v7")
        try expect(promotions.count == 1, "\(promotions.count) promotions stored, expected 1")
    }

    private static func missingArtifactIsNotPromoted(_ harness: Harness) async throws {
        harness.agents.script("researcher", .producing("notes"))
        let coordinator = try harness.coordinator(try quant())
        _ = try await coordinator.submit(candidateID: "c1", pipeline: "quant")
        let step = try await coordinator.advance(candidateID: "c1")
        guard case .failed(let candidate, let reason) = step else {
            throw Expectation("a stage without its required artifact did not fail: \(step)")
        }
        try expect(reason.hasPrefix("missingArtifact"), "the failure reason is \(reason)")
        try expect(
            candidate.stage == 0 && candidate.failureCount(at: 0) == 1 && candidate.state == .ready,
            "after the failure: stage \(candidate.stage), \(candidate.failureCount(at: 0)) failures, \(candidate.state)"
        )
        try expect(try await harness.store.promotions(candidateID: "c1").isEmpty, "a promotion was stored")
    }

    private static func failedGateCountsOneFailure(_ harness: Harness) async throws {
        harness.agents.script("researcher", .producing("spec"))
        harness.agents.script("backtester", .producing("report"))
        let coordinator = try harness.coordinator(try quant(gate: verdict(.failed)))
        _ = try await coordinator.submit(candidateID: "c1", pipeline: "quant")
        _ = try await coordinator.advance(candidateID: "c1")
        let step = try await coordinator.advance(candidateID: "c1")
        guard case .failed(let candidate, _) = step else { throw Expectation("a failed gate did not fail: \(step)") }
        try expect(
            candidate.stage == 1 && candidate.state == .ready && candidate.failureCount(at: 1) == 1,
            "after the failed gate: stage \(candidate.stage), \(candidate.state), \(candidate.failureCount(at: 1))")
        try expect(candidate.gate?.outcome == .failed, "the gate verdict was not recorded")
        let promotions = try await harness.store.promotions(candidateID: "c1")
        try expect(promotions.count == 1, "\(promotions.count) promotions, expected only the first stage's")
    }

    private static func inconclusiveGatePauses(_ harness: Harness) async throws {
        harness.agents.script("researcher", .producing("spec"))
        harness.agents.script("backtester", .producing("report"))
        let coordinator = try harness.coordinator(try quant(gate: verdict(.inconclusive)))
        _ = try await coordinator.submit(candidateID: "c1", pipeline: "quant")
        _ = try await coordinator.advance(candidateID: "c1")
        let step = try await coordinator.advance(candidateID: "c1")
        guard case .paused(let candidate) = step else { throw Expectation("an inconclusive gate did not pause") }
        try expect(
            candidate.failureCount(at: 1) == 0 && candidate.state.pause?.reason.contains("inconclusive") == true,
            "the pause counted a failure or does not say why: \(candidate.state)")
        guard case .paused = try await coordinator.advance(candidateID: "c1") else {
            throw Expectation("a paused candidate ran its stage")
        }
        try expect(harness.agents.starts("backtester") == 1, "the paused stage ran again")
        do {
            _ = try await coordinator.promote(candidateID: "c1", as: "")
            throw Expectation("a promotion without a person's name was accepted")
        } catch is StoreError {}
        guard case .promoted(let promotion, let moved) = try await coordinator.promote(candidateID: "c1", as: "alice")
        else { throw Expectation("the human promotion did not promote") }
        try expect(
            promotion.overriddenBy == "alice" && moved.stage == 2 && moved.state == .ready,
            "the override: by \(promotion.overriddenBy ?? "nobody"), stage \(moved.stage) \(moved.state)")
    }

    private static func threeFailuresPauseOnce(_ harness: Harness) async throws {
        let paused = Mutex(0)
        harness.events.addSink { event in
            if event.kind == .candidatePaused { paused.withLock { $0 += 1 } }
        }
        harness.agents.script("researcher", .failed(.permanent, "spec rejected"))
        let coordinator = try harness.coordinator(try quant())
        _ = try await coordinator.submit(candidateID: "c1", pipeline: "quant")
        for expected in 1...2 {
            guard case .failed(let candidate, _) = try await coordinator.advance(candidateID: "c1") else {
                throw Expectation("final failure \(expected) did not count")
            }
            try expect(candidate.failureCount(at: 0) == expected, "\(candidate.failureCount(at: 0)) failures counted")
        }
        guard case .paused(let candidate) = try await coordinator.advance(candidateID: "c1") else {
            throw Expectation("the third final failure did not pause the candidate")
        }
        try expect(candidate.state.pause?.by == "pipeline", "the pause names \(candidate.state)")
        try await bounded("the candidatePaused event") {
            while paused.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(1)) }
        }
        guard case .paused = try await coordinator.advance(candidateID: "c1") else {
            throw Expectation("a paused candidate ran a fourth time")
        }
        let start = try await harness.store.startStageRun(
            candidateID: "c1", stage: 0, runID: RunIDGenerator().next(at: harness.clock.now))
        guard case .refused = start else { throw Expectation("the store started a stage run of a paused candidate") }
        try expect(harness.agents.starts("researcher") == 3, "\(harness.agents.starts("researcher")) stage runs")
        try expect(paused.withLock { $0 } == 1, "\(paused.withLock { $0 }) candidatePaused events, expected 1")
        harness.agents.script("researcher", .producing("spec"))
        let resumed = try await coordinator.resume(candidateID: "c1", by: "bob", comment: "fixed the data")
        try expect(resumed.failureCount(at: 0) == 0 && resumed.state == .ready, "after the resume: \(resumed.state)")
        guard case .promoted = try await coordinator.advance(candidateID: "c1") else {
            throw Expectation("the resumed candidate did not run its next attempt")
        }
        try expect(harness.agents.starts("researcher") == 4, "\(harness.agents.starts("researcher")) stage runs")
    }

    private static func transientAndPermanent(_ harness: Harness) async throws {
        harness.agents.script("researcher", .failed(.transient, "feed timeout"), .producing("spec"))
        harness.agents.script("backtester", .failed(.permanent, "bad spec"), .producing("report"))
        let retry = RetryPolicy(maximumRetries: 2, initialDelay: .zero, jitter: 0)
        let coordinator = try harness.coordinator(try quant(), retry: retry)
        _ = try await coordinator.submit(candidateID: "c1", pipeline: "quant")
        guard case .promoted(_, let candidate) = try await coordinator.advance(candidateID: "c1") else {
            throw Expectation("the transient failure was not retried to success")
        }
        try expect(
            candidate.failureCount(at: 0) == 0 && harness.agents.starts("researcher") == 2,
            "a retried transient failure counted \(candidate.failureCount(at: 0))")
        guard case .failed(let failed, _) = try await coordinator.advance(candidateID: "c1") else {
            throw Expectation("the permanent failure did not fail the stage")
        }
        try expect(
            failed.failureCount(at: 1) == 1 && harness.agents.starts("backtester") == 1,
            "a permanent failure: \(failed.failureCount(at: 1)) counted, \(harness.agents.starts("backtester")) runs")
        let figures = try await coordinator.figures()
        let research = figures.first { $0.stage == "research" }
        let backtest = figures.first { $0.stage == "backtest" }
        try expect(research?.retries == 1, "research retries: \(String(describing: research?.retries))")
        try expect(
            backtest?.failureClasses == ["permanent": 1],
            "backtest failure classes: \(String(describing: backtest?.failureClasses))")
        try expect(backtest?.queueDepth == 1, "backtest queue depth: \(String(describing: backtest?.queueDepth))")
    }

    private static func resubmittedPromotionPromotesOnce(_ harness: Harness) async throws {
        harness.agents.script("researcher", .producing("spec"))
        let coordinator = try harness.coordinator(try quant())
        _ = try await coordinator.submit(candidateID: "c1", pipeline: "quant")
        guard case .promoted(let promotion, _) = try await coordinator.advance(candidateID: "c1") else {
            throw Expectation("the stage was not promoted")
        }
        // The promotion reached the store but its caller died before acknowledging; a new process resubmits it.
        let restarted = try await harness.handle()
        let again = try await restarted.promote(promotion)
        try expect(!again.created && again.candidate.stage == 1, "the resubmission promoted again")
        let promotions = try await restarted.promotions(candidateID: "c1")
        try expect(promotions.count == 1, "\(promotions.count) promotions, expected 1")
        try expect(try await restarted.candidate(id: "c1")?.stage == 1, "the candidate moved past stage 1")
    }

    private static func changedArtifacts(_ harness: Harness) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pipeline-acceptance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = directory.appendingPathComponent("report.json")
        try Data("{\"sharpe\":1.4}".utf8).write(to: report)
        let tampered = Mutex(false)
        // The gate passes, and the first time the report is rewritten right after it was judged.
        let gate = GateDefinition.check(
            ArtifactCheck(name: "sharpe") { _ in
                let first = tampered.withLock { wasTampered in
                    defer { wasTampered = true }
                    return !wasTampered
                }
                if first { try? Data("{\"sharpe\":0.2}".utf8).write(to: report) }
                return (.passed, "sharpe 1.4")
            })
        harness.agents.script("researcher", .producing("spec"))
        harness.agents.script(
            "backtester",
            AgentRunResult(outcome: .succeeded, artifacts: [RunArtifact(name: "report", uri: report.path)]))
        let coordinator = try harness.coordinator(try quant(gate: gate))
        _ = try await coordinator.submit(candidateID: "c1", pipeline: "quant")
        _ = try await coordinator.advance(candidateID: "c1")
        guard case .refused(let candidate, let reason) = try await coordinator.advance(candidateID: "c1") else {
            throw Expectation("artifacts changed after their gate passed were promoted")
        }
        try expect(reason.contains("gate them again"), "the refusal says: \(reason)")
        try expect(
            candidate.stage == 1 && candidate.state == .ready && candidate.failureCount(at: 1) == 0,
            "after the refusal: stage \(candidate.stage), \(candidate.state), \(candidate.failureCount(at: 1))")
        guard case .promoted(_, let moved) = try await coordinator.advance(candidateID: "c1") else {
            throw Expectation("the artifacts gated again were not promoted")
        }
        try expect(moved.stage == 2, "promoted to stage \(moved.stage), expected 2")
    }

    // MARK: Support

    /// research → backtest (with a gate) → rollout.
    private static func quant(gate: GateDefinition = .artifactsPresent) throws -> PipelineDefinition {
        try PipelineDefinition(
            name: "quant",
            stages: [
                StageDefinition(name: "research", agent: "researcher", requiredArtifacts: ["spec"]),
                StageDefinition(
                    name: "backtest", agent: "backtester", requiredArtifacts: ["report"], gate: gate,
                    pauseAfterFailures: 3),
                StageDefinition(name: "rollout", agent: "deployer"),
            ])
    }

    private static func verdict(_ outcome: GateOutcome) -> GateDefinition {
        .check(ArtifactCheck(name: "sharpe") { _ in (outcome, "sharpe ratio judged \(outcome)") })
    }

    private struct Expectation: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    private static func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        guard condition else { throw Expectation(message()) }
    }

    /// A real-time bound on a wait for another task (never on a schedule: that follows the manual clock).
    private static func bounded<T: Sendable>(
        _ what: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withRealTimeDeadline(seconds: 60, Expectation("timed out after 60 s waiting for \(what)"), body)
    }

    /// One check's store, its clock, handles and coordinators.
    private final class Harness: Sendable {
        let clock: ManualClock
        let store: any PipelineStore
        let agents = ScriptedStageAgents()
        let events = EventBroadcaster()
        private let makeHandle: HandleFactory

        init(clock: ManualClock, store: any PipelineStore, makeHandle: @escaping HandleFactory) {
            self.clock = clock
            self.store = store
            self.makeHandle = makeHandle
        }

        func handle() async throws -> any PipelineStore { try await makeHandle(store, clock) }

        /// A coordinator with a scheduler of its own over `store`, running the scripted agents.
        func coordinator(
            _ pipeline: PipelineDefinition, store: (any PipelineStore)? = nil, owner: String = "runner-a",
            retry: RetryPolicy = .never
        ) throws -> PipelineCoordinator {
            let configuration = SchedulerConfiguration.deterministic(owner: owner)
            let store = store ?? self.store
            let scheduler = try AgentScheduler(
                agents: pipeline.agents.sorted().map { agents.agent($0, retry: retry) }, store: store, clock: clock,
                events: events, configuration: configuration)
            return try PipelineCoordinator(
                pipelines: [pipeline], store: store, scheduler: scheduler, clock: clock, events: events)
        }
    }
}

extension AgentRunResult {
    /// A success reporting artifacts by name (URIs `mem://<name>`).
    fileprivate static func producing(_ names: String...) -> AgentRunResult {
        AgentRunResult(outcome: .succeeded, artifacts: names.map { RunArtifact(name: $0, uri: "mem://\($0)") })
    }
}

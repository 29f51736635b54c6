import AgentCore
import Foundation

/// Moves candidates through their pipelines' stages: starts a candidate's stage run (one at a time, claimed in the
/// store), hands it to the runner's scheduler as an ordinary run (so concurrency limits, priorities and the agent's
/// retries apply), checks its artifacts, runs the gate and promotes: every rule that must hold across processes is
/// a ``AgentCore/CandidateStore`` compare-and-set.
///
/// A stage run's record carries the deterministic stage run id as its correlation id, and the idempotency key
/// `stage:<candidate>:<stage>:<run id>` (see ``StageRunIdentity``), so a duplicate submission anywhere runs nothing
/// twice and promotes nothing twice.
public actor PipelineCoordinator {
    /// The pipelines, by name.
    public nonisolated let definitions: [String: PipelineDefinition]
    /// The store.
    public nonisolated let store: any PipelineStore
    let scheduler: AgentScheduler
    let clock: any AgentClock
    let events: EventBroadcaster
    let metrics: PipelineMetrics

    /// Creates a coordinator.
    /// - Parameters:
    ///   - pipelines: The pipelines (their agents must be the scheduler's).
    ///   - store: The store.
    ///   - scheduler: The scheduler that runs stage and gate agents.
    ///   - clock: The clock.
    ///   - events: Where `candidatePromoted` and `candidatePaused` are published.
    /// - Throws: ``PipelineError`` for two pipelines with one name.
    public init(
        pipelines: [PipelineDefinition], store: any PipelineStore, scheduler: AgentScheduler, clock: any AgentClock,
        events: EventBroadcaster
    ) throws(PipelineError) {
        var definitions: [String: PipelineDefinition] = [:]
        for pipeline in pipelines {
            guard definitions.updateValue(pipeline, forKey: pipeline.name) == nil else {
                throw PipelineError("pipeline \(pipeline.name)", "two pipelines have this name; rename one")
            }
        }
        self.definitions = definitions
        self.store = store
        self.scheduler = scheduler
        self.clock = clock
        self.events = events
        self.metrics = PipelineMetrics()
    }

    /// Submits a candidate into a pipeline, or returns the existing one.
    /// - Parameters:
    ///   - candidateID: The candidate's id.
    ///   - pipeline: The pipeline's name.
    /// - Returns: The stored candidate.
    /// - Throws: ``PipelineError`` for an unknown pipeline or a candidate of another pipeline; ``StoreError``.
    @discardableResult
    public func submit(candidateID: String, pipeline: String) async throws -> Candidate {
        _ = try definition(pipeline)
        let stored = try await store.submitCandidate(Candidate(id: candidateID, pipeline: pipeline)).candidate
        guard stored.pipeline == pipeline else {
            throw PipelineError(
                "candidate \(candidateID)", "it is in pipeline \(stored.pipeline), not \(pipeline); pick another id")
        }
        return stored
    }

    /// Runs the candidate's current stage once: starts its stage run (or rejoins one this process or another
    /// started), checks the artifacts, runs the gate and promotes. Failures are counted and may pause it.
    /// - Parameter candidateID: The candidate.
    /// - Returns: What happened.
    /// - Throws: ``PipelineError`` for an unknown candidate or pipeline; ``StoreError``; ``SchedulerError`` when the
    ///   scheduler stopped.
    public func advance(candidateID: String) async throws -> StageStep {
        let candidate = try await existing(candidateID)
        let pipeline = try definition(candidate.pipeline)
        if candidate.state.pause != nil { return .paused(candidate) }
        guard !candidate.state.isFinal, pipeline.stages.indices.contains(candidate.stage) else {
            return .refused(candidate, reason: "candidate \(candidateID) is \(candidate.state.name)")
        }
        let stage = pipeline.stages[candidate.stage]
        guard candidate.state == .ready else {
            let active = candidate.activeRunID.map { " (stage run \($0))" } ?? ""
            return .refused(candidate, reason: "candidate \(candidateID) is \(candidate.state.name)\(active)")
        }
        let identity = StageRunIdentity(
            candidateID: candidateID, stage: candidate.stage, attempt: candidate.attemptCount(at: candidate.stage) + 1)
        switch try await store.startStageRun(candidateID: candidateID, stage: candidate.stage, runID: identity.runID) {
        case .started:
            metrics.recordHandOff(pipeline: pipeline.name, stage: stage.name, from: candidate.readySince, to: clock.now)
        case .alreadyActive(let current):
            // Another call (here or in another process) started this very run and carries it out.
            return .refused(
                current, reason: "stage run \(identity.runID) of candidate \(candidateID) is already active")
        case .refused(let current, let reason):
            return .refused(current, reason: reason)
        }
        return try await execute(stage, of: pipeline, identity: identity)
    }

    /// Records a person's promotion of a candidate past its current stage (the human override of a gate).
    /// - Parameters:
    ///   - candidateID: The candidate.
    ///   - person: Who promotes it (required).
    ///   - comment: Why.
    /// - Returns: The promotion and the candidate as stored.
    /// - Throws: ``PipelineError``; ``StoreError`` with `transitionRefused` (no name, an active stage run).
    public func promote(candidateID: String, as person: String, comment: String? = nil) async throws -> StageStep {
        let candidate = try await existing(candidateID)
        let pipeline = try definition(candidate.pipeline)
        let promotion = pipeline.humanPromotion(of: candidate, by: person, comment: comment)
        let result = try await store.promote(promotion)
        if result.created { announcePromotion(result.promotion, result.candidate) }
        return .promoted(result.promotion, result.candidate)
    }

    /// Resumes a paused candidate on behalf of a named person.
    /// - Parameters:
    ///   - candidateID: The candidate.
    ///   - person: Who resumes it.
    ///   - comment: Why.
    /// - Returns: The candidate as stored.
    /// - Throws: ``StoreError`` with `transitionRefused` or `candidateNotFound`.
    public func resume(candidateID: String, by person: String, comment: String? = nil) async throws -> Candidate {
        try await store.resumeCandidate(id: candidateID, by: person, comment: comment)
    }

    /// The figures so far per pipeline and stage, with each stage's queue depth (candidates ready at it) read
    /// from the store.
    /// - Returns: The figures, by pipeline and stage.
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func figures() async throws -> [PipelineMetrics.StageFigures] {
        var figures = metrics.snapshot()
        for (name, pipeline) in definitions {
            let waiting = try await store.candidates(pipeline: name, limit: 100_000).filter { $0.state == .ready }
            for (index, stage) in pipeline.stages.enumerated() {
                let depth = waiting.filter { $0.stage == index }.count
                if let at = figures.firstIndex(where: { $0.pipeline == name && $0.stage == stage.name }) {
                    figures[at].queueDepth = depth
                } else if depth > 0 {
                    figures.append(
                        PipelineMetrics.StageFigures(
                            pipeline: name, stage: stage.name, runs: 0, retries: 0, failureClasses: [:],
                            queueDepth: depth))
                }
            }
        }
        return figures.sorted { ($0.pipeline, $0.stage) < ($1.pipeline, $1.stage) }
    }

    // MARK: Running a stage

    private func execute(_ stage: StageDefinition, of pipeline: PipelineDefinition, identity: StageRunIdentity)
        async throws -> StageStep
    {
        let parameters: JSONValue = [
            "candidate": .string(identity.candidateID), "pipeline": .string(pipeline.name),
            "stage": .string(stage.name), "attempt": .integer(Int64(identity.attempt)),
            "stageRunID": .string(identity.runID.description),
        ]
        let execution = try await scheduler.trigger(
            stage.agent, parameters: parameters, idempotencyKey: identity.idempotencyKey,
            correlationID: identity.runID.description)
        let record = execution.record
        metrics.recordRun(pipeline: pipeline.name, stage: stage.name, record: record)
        guard record.status == .succeeded else {
            let reason = "stage \(stage.name) run \(record.status): \(record.errorMessage ?? record.summary ?? "")"
            metrics.recordFailure(
                pipeline: pipeline.name, stage: stage.name, class: record.errorClass?.rawValue ?? "failed")
            return try await countFailure(identity, stage: stage, reason: reason, gate: nil)
        }
        let present = Set(record.artifacts.map(\.name))
        let missing = stage.requiredArtifacts.filter { !present.contains($0) }
        guard missing.isEmpty else {
            metrics.recordFailure(pipeline: pipeline.name, stage: stage.name, class: "missingArtifact")
            return try await countFailure(
                identity, stage: stage,
                reason: "missingArtifact: stage \(stage.name) produced no \(missing.joined(separator: ", "))", gate: nil
            )
        }
        let digest = StageRunIdentity.digest(of: record.artifacts)
        try await update(identity.candidateID) { candidate in
            candidate.state = .gating
            candidate.activeRunID = nil
        }
        let (outcome, evidence) = try await judge(
            stage, pipeline: pipeline, identity: identity, record: record, digest: digest)
        let gate = GateRecord(
            stage: identity.stage, runID: identity.runID, outcome: outcome, artifactDigest: digest, evidence: evidence,
            at: clock.now)
        switch outcome {
        case .failed:
            metrics.recordFailure(pipeline: pipeline.name, stage: stage.name, class: "gateFailed")
            return try await countFailure(identity, stage: stage, reason: "gate failed: \(evidence)", gate: gate)
        case .inconclusive:
            let candidate = try await update(identity.candidateID) { candidate in
                candidate.gate = gate
                candidate.state = .paused(
                    PauseRecord(by: "pipeline", reason: "gate inconclusive: \(evidence)", at: self.clock.now))
            }
            announcePause(candidate)
            return .paused(candidate)
        case .passed:
            _ = try await update(identity.candidateID) { $0.gate = gate }
            // The digest is taken again: artifacts changed since the gate judged them promote nothing.
            let current = StageRunIdentity.digest(of: record.artifacts)
            let promotion = Promotion(
                candidateID: identity.candidateID, stage: identity.stage, artifactDigest: current,
                runID: identity.runID, completesPipeline: identity.stage + 1 >= pipeline.stages.count)
            do {
                let result = try await store.promote(promotion)
                if result.created { announcePromotion(result.promotion, result.candidate) }
                return .promoted(result.promotion, result.candidate)
            } catch let error as StoreError where error.code == .transitionRefused {
                let candidate = try await update(identity.candidateID) { candidate in
                    candidate.state = .ready
                    candidate.readySince = self.clock.now
                }
                return .refused(candidate, reason: error.message)
            }
        }
    }

    private func judge(
        _ stage: StageDefinition, pipeline: PipelineDefinition, identity: StageRunIdentity, record: RunRecord,
        digest: String
    ) async throws -> (GateOutcome, String) {
        switch stage.gate {
        case .artifactsPresent:
            return (.passed, "artifacts present: \(record.artifacts.map(\.name).sorted().joined(separator: ", "))")
        case .check(let check):
            let verdict = await check.evaluate(record.artifacts)
            return (verdict.outcome, "\(check.name): \(verdict.evidence)")
        case .agent(let agent):
            let artifacts = JSONValue.array(
                record.artifacts.map { ["name": .string($0.name), "uri": .string($0.uri)] })
            let key = try? IdempotencyKey("gate:\(identity.candidateID):\(identity.stage):\(identity.runID)")
            let gateRun = try await scheduler.trigger(
                agent,
                parameters: [
                    "candidate": .string(identity.candidateID), "pipeline": .string(pipeline.name),
                    "stage": .string(stage.name), "artifactDigest": .string(digest), "artifacts": artifacts,
                ], idempotencyKey: key, correlationID: identity.runID.description
            ).record
            let summary = gateRun.summary ?? ""
            guard gateRun.status == .succeeded else {
                return (.failed, "gate agent \(agent) \(gateRun.status): \(gateRun.errorMessage ?? summary)")
            }
            let lowered = summary.lowercased()
            if lowered.hasPrefix("inconclusive") { return (.inconclusive, summary) }
            if lowered.hasPrefix("failed") { return (.failed, summary) }
            return (.passed, summary.isEmpty ? "gate agent \(agent) succeeded" : summary)
        }
    }

    /// Counts one final failure at the stage; pauses the candidate when the count reaches the stage's limit.
    private func countFailure(_ identity: StageRunIdentity, stage: StageDefinition, reason: String, gate: GateRecord?)
        async throws -> StageStep
    {
        let candidate = try await update(identity.candidateID) { candidate in
            let failures = candidate.failureCount(at: identity.stage) + 1
            candidate.setFailureCount(failures, at: identity.stage)
            candidate.activeRunID = nil
            if let gate { candidate.gate = gate }
            candidate.readySince = self.clock.now
            candidate.state =
                failures >= stage.pauseAfterFailures
                ? .paused(
                    PauseRecord(
                        by: "pipeline", reason: "\(failures) final failures on stage \(stage.name); last: \(reason)",
                        at: self.clock.now)) : .ready
        }
        if candidate.state.pause != nil {
            announcePause(candidate)
            return .paused(candidate)
        }
        return .failed(candidate, reason: reason)
    }

    /// Applies a change to the stored candidate by compare-and-set, reading again on a conflict.
    @discardableResult
    private func update(_ id: String, _ change: @Sendable (inout Candidate) -> Void) async throws -> Candidate {
        for _ in 0..<50 {
            let stored = try await existing(id)
            var next = stored
            change(&next)
            do {
                return try await store.replaceCandidate(next, expectedVersion: stored.version)
            } catch let error as StoreError where error.code == .versionConflict {
                continue
            }
        }
        throw StoreError(.versionConflict, "candidate \(id) kept changing under 50 attempts to update it")
    }

    private func existing(_ id: String) async throws -> Candidate {
        guard let candidate = try await store.candidate(id: id) else {
            throw PipelineError("candidate \(id)", "no such candidate; submit it first")
        }
        return candidate
    }

    private func definition(_ name: String) throws(PipelineError) -> PipelineDefinition {
        guard let definition = definitions[name] else {
            throw PipelineError(
                "pipeline \(name)", "no such pipeline; pipelines: \(definitions.keys.sorted().joined(separator: ", "))")
        }
        return definition
    }

    private func announcePromotion(_ promotion: Promotion, _ candidate: Candidate) {
        let target = candidate.state == .completed ? "completed" : "stage \(candidate.stage)"
        let who = promotion.overriddenBy.map { " by \($0)" } ?? ""
        events.emit(
            RunEvent(
                kind: .candidatePromoted, timestamp: clock.now,
                message: "candidate \(candidate.id) promoted from stage \(promotion.stage) to \(target)\(who)"))
    }

    private func announcePause(_ candidate: Candidate) {
        events.emit(
            RunEvent(
                kind: .candidatePaused, timestamp: clock.now,
                message: "candidate \(candidate.id) \(candidate.state.description)"))
    }
}

import AgentCore
import Foundation

extension PipelineCoordinator {
    /// Drives the candidates of these pipelines until cancelled: what ``AgentRunner`` runs beside its scheduler.
    ///
    /// It follows the store's change feed, so a candidate submitted, resumed or retried by another process
    /// (`agentctl candidate submit` while `agentctl serve` runs) gets its stage started here; several runners on one
    /// store start each stage run once (``AgentCore/CandidateStore/startStageRun(candidateID:stage:runID:)`` is a
    /// compare-and-set). A `ready` candidate starts by itself when no failure is counted at its stage (a submission,
    /// a promotion, a resume) or a retry was asked for (``retry(candidateID:by:)``); after a final failure it waits
    /// for that retry.
    ///
    /// At start, every ``sweepInterval`` and when a run is abandoned, it carries on the stages whose process died:
    /// a stage run abandoned when its lease expired counts as one final failure of class `abandoned` and is retried
    /// at once (until the stage's `pauseAfterFailures` pauses the candidate); a stage run that ended, or never
    /// started, while its candidate stayed `running` or `gating` longer than ``takeoverGrace`` is carried on here.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.followChanges() }
            group.addTask { await self.sweep() }
            for await candidateID in work {
                group.addTask { await self.drive(candidateID) }
            }
            group.cancelAll()
        }
    }

    /// Asks for a candidate's current stage to run again after a final failure, or resumes a paused candidate (its
    /// failure count starts again at zero): either way a running coordinator starts the stage.
    /// - Parameters:
    ///   - candidateID: The candidate.
    ///   - person: Who asks (required).
    ///   - comment: Why (recorded for a resume).
    /// - Returns: The candidate as stored.
    /// - Throws: ``PipelineError`` for an unknown candidate; ``AgentCore/StoreError`` with `transitionRefused` when
    ///   the candidate is running, gating, awaiting approval or final, or no one is named.
    @discardableResult
    public func retry(candidateID: String, by person: String, comment: String? = nil) async throws -> Candidate {
        try await Self.requestRetry(of: candidateID, by: person, comment: comment, in: store)
    }

    /// What ``retry(candidateID:by:comment:)`` writes, for a process that has no coordinator (`agentctl`).
    /// - Parameters:
    ///   - candidateID: The candidate.
    ///   - person: Who asks (required).
    ///   - comment: Why (recorded for a resume).
    ///   - store: The store.
    /// - Returns: The candidate as stored.
    /// - Throws: ``AgentCore/StoreError`` with `candidateNotFound` or `transitionRefused`.
    public static func requestRetry(
        of candidateID: String, by person: String, comment: String?, in store: any CandidateStore
    ) async throws -> Candidate {
        guard !person.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw StoreError(.transitionRefused, "retrying candidate \(candidateID) needs the name of who asks")
        }
        for _ in 0..<50 {
            guard let stored = try await store.candidate(id: candidateID) else {
                throw StoreError(.candidateNotFound, "no candidate with id \(candidateID); submit it first")
            }
            if stored.state.pause != nil {
                return try await store.resumeCandidate(id: candidateID, by: person, comment: comment)
            }
            guard stored.state == .ready else {
                throw StoreError(
                    .transitionRefused,
                    "candidate \(candidateID) is \(stored.state.name); only a ready candidate after a failure or a paused one is retried"
                )
            }
            guard stored.failureCount(at: stored.stage) > 0, stored.retryRequestedBy == nil else { return stored }
            var next = stored
            next.retryRequestedBy = person
            do {
                return try await store.replaceCandidate(next, expectedVersion: stored.version)
            } catch let error as StoreError where error.code == .versionConflict {
                continue
            }
        }
        throw StoreError(.versionConflict, "candidate \(candidateID) kept changing under 50 attempts to retry it")
    }

    /// Whether a runner starts a `ready` candidate's stage by itself.
    static func startsByItself(_ candidate: Candidate) -> Bool {
        candidate.state == .ready
            && (candidate.failureCount(at: candidate.stage) == 0 || candidate.retryRequestedBy != nil)
    }

    // MARK: Following the store

    private func followChanges() async {
        await ChangeFollower(store: store, clock: clock).run(
            reconcile: { await self.reconcile() }, handle: { await self.handle($0) })
    }

    private func handle(_ change: StoreChange) async {
        switch change.kind {
        case .candidate(let candidate) where definitions[candidate.pipeline] != nil:
            if Self.startsByItself(candidate) { workSink.yield(candidate.id) }
        case .runEnded(_, _, .abandoned):
            // A stage run's process died: its candidate is carried on here (or by another runner, once).
            await reconcile()
        case .approval(let request) where request.state.isDecided:
            // Perhaps a stage's approval: its candidate is promoted, or a failure counted.
            await reconcile()
        default:
            break
        }
    }

    private func sweep() async {
        while !Task.isCancelled {
            do { try await clock.sleep(until: clock.now.addingTimeInterval(sweepInterval.timeInterval)) } catch {
                return
            }
            await reconcile()
        }
    }

    /// Re-reads what the feed would have told: candidates that start by themselves, those left `running` or
    /// `gating`, and those awaiting a stage's approval.
    func reconcile() async {
        for name in definitions.keys.sorted() {
            for candidate in (try? await store.candidates(pipeline: name, limit: 100_000)) ?? []
            where Self.startsByItself(candidate) || [.running, .gating, .awaitingApproval].contains(candidate.state) {
                workSink.yield(candidate.id)
            }
        }
    }

    /// Carries on a candidate awaiting its stage's approval: records the request if it is missing (its process died
    /// after the gate), promotes once it is approved, counts a final failure once it is rejected or expired.
    /// - Parameter candidateID: The candidate.
    /// - Returns: What happened (``StageStep/awaitingApproval(_:runID:)`` while nobody decided).
    /// - Throws: ``PipelineError`` for an unknown candidate or pipeline; ``AgentCore/StoreError``.
    public func settleApproval(candidateID: String) async throws -> StageStep {
        let candidate = try await existing(candidateID)
        guard candidate.state == .awaitingApproval, let pipeline = definitions[candidate.pipeline],
            pipeline.stages.indices.contains(candidate.stage), let policy = pipeline.stages[candidate.stage].approval
        else {
            return .refused(
                candidate, reason: "candidate \(candidateID) is \(candidate.state.name), not awaiting approval")
        }
        let stage = pipeline.stages[candidate.stage]
        let identity = StageRunIdentity(
            candidateID: candidateID, stage: candidate.stage, attempt: candidate.attemptCount(at: candidate.stage))
        guard let key = identity.idempotencyKey,
            let record = try await store.queryRuns(RunQuery(agent: stage.agent, idempotencyKey: key, limit: 100))
                .records.first(where: { $0.status == .succeeded })
        else {
            return .refused(candidate, reason: "candidate \(candidateID) has no succeeded run of stage \(stage.name)")
        }
        let request = try await desk.request(for: record, policy: policy, taskID: stage.name, requestedBy: owner)
        guard let decision = request.decision, request.state.isDecided else {
            return .awaitingApproval(candidate, runID: record.id)
        }
        if request.state == .approved { return try await promote(identity, of: pipeline, record: record) }
        metrics.recordFailure(pipeline: pipeline.name, stage: stage.name, class: request.state.rawValue)
        let comment = decision.comment.map { ": \($0)" } ?? ""
        return try await countFailure(
            identity, stage: stage, reason: "approval \(request.state) by \(decision.decidedBy)\(comment)", gate: nil)
    }

    // MARK: Driving a candidate

    /// Runs a candidate's stages one after the other while they start by themselves; carries on a stage left by a
    /// dead process. One child task per candidate at a time, so candidates never wait for each other.
    private func drive(_ candidateID: String) async {
        guard driving.insert(candidateID).inserted else { return }
        defer { driving.remove(candidateID) }
        // Each pass runs one stage (at most one per stage and retry), so the bound is never reached in practice.
        for _ in 0..<10_000 where !Task.isCancelled {
            guard let candidate = try? await store.candidate(id: candidateID), definitions[candidate.pipeline] != nil
            else { return }
            if Self.startsByItself(candidate) {
                guard let step = try? await advance(candidateID: candidateID) else { return }
                if case .refused = step { return }
            } else if candidate.state == .running || candidate.state == .gating {
                guard await takeOver(candidate) else { return }
            } else if candidate.state == .awaitingApproval {
                guard let step = try? await settleApproval(candidateID: candidateID) else { return }
                if case .awaitingApproval = step { return }
                if case .refused = step { return }
            } else {
                return
            }
        }
    }

    /// Carries on a stage whose process died; returns whether the candidate should be driven on.
    private func takeOver(_ candidate: Candidate) async -> Bool {
        guard let pipeline = definitions[candidate.pipeline], pipeline.stages.indices.contains(candidate.stage) else {
            return false
        }
        let stage = pipeline.stages[candidate.stage]
        let identity = StageRunIdentity(
            candidateID: candidate.id, stage: candidate.stage, attempt: candidate.attemptCount(at: candidate.stage))
        guard identity.attempt > 0, let key = identity.idempotencyKey else { return false }
        let query = RunQuery(agent: stage.agent, idempotencyKey: key, limit: 100)
        guard let records = try? await store.queryRuns(query).records else { return false }
        // A run under a live lease is its process's; if that process dies, the lease expires, the run is
        // abandoned and the change brings it back here.
        if records.contains(where: { !$0.status.isTerminal }) { return false }
        let stale = clock.now.timeIntervalSince(candidate.updatedAt) >= takeoverGrace.timeInterval
        guard let newest = records.first else {
            // Started in the store, never handed to a scheduler: its process died in between.
            guard stale, candidate.state == .running else { return false }
            return Self.movedOn(try? await execute(stage, of: pipeline, identity: identity))
        }
        if newest.status == .abandoned {
            return await countAbandoned(newest, identity: identity, stage: stage, pipeline: pipeline)
        }
        guard stale else { return false }
        return Self.movedOn(try? await finish(stage, of: pipeline, identity: identity, record: newest))
    }

    /// Whether a step left the candidate somewhere new (so driving it on makes sense), rather than where it was.
    private static func movedOn(_ step: StageStep?) -> Bool {
        switch step {
        case .promoted?, .failed?, .paused?: true
        case .refused?, .awaitingApproval?, nil: false
        }
    }

    /// An abandoned stage run: one final failure of class `abandoned`, then a retry unless it paused the candidate.
    private func countAbandoned(
        _ record: RunRecord, identity: StageRunIdentity, stage: StageDefinition, pipeline: PipelineDefinition
    ) async -> Bool {
        metrics.recordRun(pipeline: pipeline.name, stage: stage.name, record: record)
        metrics.recordFailure(pipeline: pipeline.name, stage: stage.name, class: "abandoned")
        let reason = "abandoned: the process running stage \(stage.name) (run \(record.id)) stopped renewing its lease"
        guard
            case .failed(let candidate, _)? = try? await countFailure(
                identity, stage: stage, reason: reason, gate: nil)
        else { return false }
        _ = try? await update(candidate.id) { next in
            guard next.version == candidate.version else { return false }
            next.retryRequestedBy = "pipeline"
            return true
        }
        return true
    }
}

import AgentCore
import Foundation

extension PipelineMetrics {
    /// The figures of pipelines as their store records them: every process's stage runs, not only this one's (what
    /// `agentctl health --json` shows).
    ///
    /// Each candidate's stage runs are found by their deterministic idempotency keys. A stage run counts in the
    /// duration and retries; a failed, timed-out, cancelled or abandoned one under its error class (or its status),
    /// a succeeded one without its required artifacts as `missingArtifact`, and a succeeded one whose gate failed as
    /// `gateFailed`. Hand-off latency runs from the submission or the previous stage's promotion to the first
    /// attempt's queueing; queue depth counts the candidates ready at the stage.
    /// - Parameters:
    ///   - pipelines: The pipelines.
    ///   - store: The store.
    ///   - candidateLimit: The most candidates read per pipeline (oldest first).
    /// - Returns: The figures, by pipeline and stage.
    /// - Throws: ``AgentCore/StoreError`` when the store cannot be read.
    public static func figures(
        of pipelines: [PipelineDefinition], in store: any PipelineStore, candidateLimit: Int = 10_000
    ) async throws -> [StageFigures] {
        let metrics = PipelineMetrics()
        for pipeline in pipelines {
            for candidate in try await store.candidates(pipeline: pipeline.name, limit: candidateLimit) {
                let promotions = try await store.promotions(candidateID: candidate.id)
                try await metrics.record(candidate, promotions: promotions, of: pipeline, store: store)
            }
        }
        return try await withQueueDepth(metrics.snapshot(), of: pipelines, in: store)
    }

    /// Adds each stage's queue depth (candidates ready at it) to figures, with a row for a stage that has only
    /// waiting candidates.
    /// - Parameters:
    ///   - figures: The figures.
    ///   - pipelines: The pipelines.
    ///   - store: The store.
    /// - Returns: The figures with queue depths, by pipeline and stage.
    /// - Throws: ``AgentCore/StoreError`` when the store cannot be read.
    static func withQueueDepth(
        _ figures: [StageFigures], of pipelines: [PipelineDefinition], in store: any PipelineStore
    ) async throws -> [StageFigures] {
        var figures = figures
        for pipeline in pipelines {
            let waiting = try await store.candidates(pipeline: pipeline.name, limit: 100_000).filter {
                $0.state == .ready
            }
            for (index, stage) in pipeline.stages.enumerated() {
                let depth = waiting.filter { $0.stage == index }.count
                if let at = figures.firstIndex(where: { $0.pipeline == pipeline.name && $0.stage == stage.name }) {
                    figures[at].queueDepth = depth
                } else if depth > 0 {
                    figures.append(
                        StageFigures(
                            pipeline: pipeline.name, stage: stage.name, runs: 0, retries: 0, failureClasses: [:],
                            queueDepth: depth))
                }
            }
        }
        return figures.sorted { ($0.pipeline, $0.stage) < ($1.pipeline, $1.stage) }
    }

    /// Records one candidate's stage runs as the store keeps them.
    private func record(
        _ candidate: Candidate, promotions: [Promotion], of pipeline: PipelineDefinition, store: any PipelineStore
    ) async throws {
        for (index, stage) in pipeline.stages.enumerated() where index <= candidate.stage {
            let readySince = index == 0 ? candidate.createdAt : promotions.first { $0.stage == index - 1 }?.at
            let attempts = candidate.attemptCount(at: index)
            for attempt in stride(from: 1, through: attempts, by: 1) {
                let identity = StageRunIdentity(candidateID: candidate.id, stage: index, attempt: attempt)
                guard let key = identity.idempotencyKey else { continue }
                let records = try await store.queryRuns(RunQuery(agent: stage.agent, idempotencyKey: key, limit: 100))
                    .records
                if attempt == 1, let readySince, let first = records.last {
                    recordHandOff(pipeline: pipeline.name, stage: stage.name, from: readySince, to: first.queuedAt)
                }
                for record in records where record.status.isTerminal {
                    recordRun(pipeline: pipeline.name, stage: stage.name, record: record)
                    let promoted = promotions.contains { $0.runID == identity.runID }
                    let gate = candidate.gate.flatMap { $0.runID == identity.runID ? $0.outcome : nil }
                    if let failure = Self.failureClass(
                        of: record, stage: stage, promoted: promoted, gate: gate, superseded: attempt < attempts)
                    {
                        recordFailure(pipeline: pipeline.name, stage: stage.name, class: failure)
                    }
                }
            }
        }
    }

    private static func failureClass(
        of record: RunRecord, stage: StageDefinition, promoted: Bool, gate: GateOutcome?, superseded: Bool
    ) -> String? {
        switch record.status {
        case .succeeded:
            let present = Set(record.artifacts.map(\.name))
            if stage.requiredArtifacts.contains(where: { !present.contains($0) }) { return "missingArtifact" }
            if promoted { return nil }
            if gate == .failed || (gate == nil && superseded) { return "gateFailed" }
            return nil
        case .abandoned:
            return "abandoned"
        case .failed, .timedOut, .cancelled:
            return record.errorClass?.rawValue ?? record.status.rawValue
        default:
            return nil
        }
    }
}

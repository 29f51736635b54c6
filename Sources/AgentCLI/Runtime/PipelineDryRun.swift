import AgentCore
import AgentScheduling
import AgentStorage
import Foundation

/// Walks a synthetic candidate through every stage of a pipeline with its agents replaced by no-ops (each stage
/// agent reports the artifacts its stages require; each gate agent passes), on an in-memory store and a manual
/// clock: proves the wiring, the artifacts and the gates without running anything real.
struct PipelineDryRun {
    /// One stage as the dry run went through it.
    struct StageReport: Codable, Sendable {
        var stage: String
        var agent: String
        var gate: String
        var outcome: String
        var detail: String
    }

    /// The whole walk.
    struct Report: Codable, Sendable {
        var pipeline: String
        var candidate: String
        var completed: Bool
        var stages: [StageReport]
    }

    let pipeline: PipelineDefinition

    /// Runs the walk.
    /// - Returns: What each stage did, and whether the candidate completed the pipeline.
    /// - Throws: What the coordinator throws.
    func run() async throws -> Report {
        let clock = ManualClock(start: Date(timeIntervalSince1970: 1_767_225_600))
        let store = InMemoryAgentStore(clock: clock)
        let events = EventBroadcaster()
        var produced: [AgentName: Set<String>] = [:]
        for stage in pipeline.stages { produced[stage.agent, default: []].formUnion(stage.requiredArtifacts) }
        let agents = pipeline.agents.sorted().map { name in
            let artifacts = (produced[name] ?? []).sorted().map { RunArtifact(name: $0, uri: "dry-run://\($0)") }
            return ClosureAgent(name: name) { _, _ in
                AgentRunResult(outcome: .succeeded, artifacts: artifacts, summary: "passed (dry run)")
            }
        }
        var configuration = SchedulerConfiguration()
        configuration.owner = "dry-run"
        let scheduler = try AgentScheduler(
            agents: agents, store: store, clock: clock, events: events, configuration: configuration)
        let coordinator = try PipelineCoordinator(
            pipelines: [pipeline], store: store, scheduler: scheduler, clock: clock, events: events)
        let candidateID = "dry-run-\(pipeline.name)"
        try await coordinator.submit(candidateID: candidateID, pipeline: pipeline.name)
        var stages: [StageReport] = []
        for stage in pipeline.stages {
            let step = try await coordinator.advance(candidateID: candidateID)
            let (outcome, detail): (String, String) =
                switch step {
                case .promoted(let promotion, _): ("promoted", promotion.artifactDigest)
                case .failed(_, let reason): ("failed", reason)
                case .paused(let candidate): ("paused", candidate.state.description)
                case .refused(_, let reason): ("refused", reason)
                }
            stages.append(
                StageReport(
                    stage: stage.name, agent: stage.agent.rawValue, gate: stage.gate.label, outcome: outcome,
                    detail: detail))
            guard outcome == "promoted" else { break }
        }
        let completed = try await store.candidate(id: candidateID)?.state == .completed
        return Report(pipeline: pipeline.name, candidate: candidateID, completed: completed, stages: stages)
    }
}

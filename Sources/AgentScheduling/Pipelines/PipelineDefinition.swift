import AgentCore

/// A named, ordered list of stages that candidates move through (research → implementation → backtest → rollout).
///
/// ```swift
/// let quant = try PipelineDefinition(name: "quant", stages: [
///     StageDefinition(name: "research", agent: "researcher", requiredArtifacts: ["spec"]),
///     StageDefinition(name: "backtest", agent: "backtester", requiredArtifacts: ["report"], gate: .agent("gatekeeper")),
/// ])
/// ```
public struct PipelineDefinition: Sendable {
    /// The pipeline's name.
    public var name: String
    /// The stages, in order.
    public var stages: [StageDefinition]

    /// Creates a pipeline, checking it.
    /// - Parameters:
    ///   - name: The name (1-100 bytes).
    ///   - stages: At least one stage, with unique names and `pauseAfterFailures` of at least 1.
    /// - Throws: ``PipelineError`` naming the offending stage.
    public init(name: String, stages: [StageDefinition]) throws(PipelineError) {
        guard !name.isEmpty, name.utf8.count <= 100 else {
            throw PipelineError("pipeline \"\(name)\"", "a pipeline needs a name of 1-100 bytes")
        }
        guard !stages.isEmpty else { throw PipelineError("pipeline \(name)", "a pipeline needs at least one stage") }
        var seen: Set<String> = []
        for (index, stage) in stages.enumerated() {
            let path = "pipeline \(name), stage \(index)"
            guard !stage.name.isEmpty, seen.insert(stage.name).inserted else {
                throw PipelineError(path, "stage names must be non-empty and unique, not \"\(stage.name)\"")
            }
            guard stage.pauseAfterFailures >= 1 else {
                throw PipelineError(path, "pauseAfterFailures must be at least 1, not \(stage.pauseAfterFailures)")
            }
        }
        self.name = name
        self.stages = stages
    }

    /// Every agent the pipeline runs: stage agents and gate agents.
    public var agents: Set<AgentName> {
        var agents = Set(stages.map(\.agent))
        for stage in stages { if case .agent(let gate) = stage.gate { agents.insert(gate) } }
        return agents
    }

    /// The human override that promotes a candidate past a stage (default: its current one), naming who: over the
    /// digest its latest gate judged at that stage, or `override` when no gate judged it, so a repeated override of
    /// the same stage is the same promotion and is stored once.
    /// - Parameters:
    ///   - candidate: The candidate, as read.
    ///   - stage: The stage to promote from (default: the candidate's current stage).
    ///   - person: Who promotes it.
    ///   - comment: Why.
    /// - Returns: The promotion to store with ``AgentCore/CandidateStore/promote(_:)``.
    public func humanPromotion(of candidate: Candidate, stage: Int? = nil, by person: String, comment: String?)
        -> Promotion
    {
        let stage = stage ?? candidate.stage
        let gate = candidate.gate.flatMap { $0.stage == stage ? $0 : nil }
        return Promotion(
            candidateID: candidate.id, stage: stage, artifactDigest: gate?.artifactDigest ?? "override",
            runID: gate?.runID, overriddenBy: person, comment: comment, completesPipeline: stage + 1 >= stages.count)
    }
}

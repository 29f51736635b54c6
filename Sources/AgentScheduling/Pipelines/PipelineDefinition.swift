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
}

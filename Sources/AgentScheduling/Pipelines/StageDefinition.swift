import AgentCore

/// One stage of a pipeline: the agent that runs it, the artifacts it must produce, the gate that judges them and
/// how many final failures pause the candidate.
///
/// Transient failures are retried inside the stage run by the agent's own ``AgentCore/RetryPolicy`` (the
/// scheduler runs it); a permanent failure is not retried. Only the run's final outcome counts toward
/// ``pauseAfterFailures``.
public struct StageDefinition: Sendable {
    /// The stage's name (`backtest`), unique in its pipeline.
    public var name: String
    /// The agent that runs the stage.
    public var agent: AgentName
    /// The names of the artifacts the stage run must report (``AgentCore/RunArtifact/name``).
    public var requiredArtifacts: [String]
    /// The gate over the artifacts.
    public var gate: GateDefinition
    /// Consecutive final failures on this stage that pause the candidate (default 3).
    public var pauseAfterFailures: Int

    /// Creates a stage.
    /// - Parameters:
    ///   - name: The name.
    ///   - agent: The agent that runs it.
    ///   - requiredArtifacts: The artifacts it must produce.
    ///   - gate: The gate (default: the artifacts are present).
    ///   - pauseAfterFailures: Final failures that pause the candidate (default 3).
    public init(
        name: String, agent: AgentName, requiredArtifacts: [String] = [], gate: GateDefinition = .artifactsPresent,
        pauseAfterFailures: Int = 3
    ) {
        self.name = name
        self.agent = agent
        self.requiredArtifacts = requiredArtifacts
        self.gate = gate
        self.pauseAfterFailures = pauseAfterFailures
    }
}

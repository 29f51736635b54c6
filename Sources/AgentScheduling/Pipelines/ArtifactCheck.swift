import AgentCore

/// A gate that judges a stage run's artifacts in process (for example: read a backtest report and compare its
/// Sharpe ratio with a threshold).
public struct ArtifactCheck: Sendable {
    /// The check's name, shown in the gate evidence.
    public var name: String
    /// Judges the artifacts: passed, failed or inconclusive, with a line of evidence.
    public var evaluate: @Sendable ([RunArtifact]) async -> (outcome: GateOutcome, evidence: String)

    /// Creates a check.
    /// - Parameters:
    ///   - name: The name.
    ///   - evaluate: The judgement.
    public init(
        name: String, evaluate: @escaping @Sendable ([RunArtifact]) async -> (outcome: GateOutcome, evidence: String)
    ) {
        self.name = name
        self.evaluate = evaluate
    }
}

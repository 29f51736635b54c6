import Foundation

/// A gate's verdict over one stage run's artifacts, as the candidate keeps it. A later verdict replaces it, so a
/// failed re-gate over the same digest revokes an earlier pass.
public struct GateRecord: Sendable, Hashable, Codable {
    /// The stage (index) the gate judged.
    public var stage: Int
    /// The stage run whose artifacts it judged.
    public var runID: RunID
    /// The verdict.
    public var outcome: GateOutcome
    /// The digest of the artifacts it judged.
    public var artifactDigest: String
    /// What the gate said (its output or the check's finding).
    public var evidence: String
    /// When.
    public var at: Date

    /// Creates a gate record.
    /// - Parameters:
    ///   - stage: The stage.
    ///   - runID: The stage run.
    ///   - outcome: The verdict.
    ///   - artifactDigest: The digest judged.
    ///   - evidence: What the gate said.
    ///   - at: When.
    public init(stage: Int, runID: RunID, outcome: GateOutcome, artifactDigest: String, evidence: String, at: Date) {
        self.stage = stage
        self.runID = runID
        self.outcome = outcome
        self.artifactDigest = artifactDigest
        self.evidence = evidence
        self.at = at
    }
}

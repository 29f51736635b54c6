import Foundation

/// A candidate's move from one stage to the next, append-only, one per (candidate, stage, artifact digest).
///
/// A promotion carries its evidence: the stage run whose gate passed over ``artifactDigest`` (the store checks it
/// against the candidate's ``Candidate/gate``), or a human override naming who (``overriddenBy``).
public struct Promotion: Sendable, Hashable, Codable {
    /// The candidate.
    public var candidateID: String
    /// The stage promoted from.
    public var stage: Int
    /// The digest of the stage's artifacts that were judged.
    public var artifactDigest: String
    /// The stage run whose artifacts are promoted.
    public var runID: RunID?
    /// Who overrode the gate, for a human promotion; `nil` when the gate passed.
    public var overriddenBy: String?
    /// Why the person promoted it.
    public var comment: String?
    /// Whether this promotes past the last stage (the candidate completes).
    public var completesPipeline: Bool
    /// When (set by the store).
    public var at: Date

    /// Creates a promotion.
    /// - Parameters:
    ///   - candidateID: The candidate.
    ///   - stage: The stage promoted from.
    ///   - artifactDigest: The artifacts' digest.
    ///   - runID: The stage run.
    ///   - overriddenBy: Who overrode the gate, for a human promotion.
    ///   - comment: Why.
    ///   - completesPipeline: Whether the stage is the last one.
    public init(
        candidateID: String, stage: Int, artifactDigest: String, runID: RunID?, overriddenBy: String? = nil,
        comment: String? = nil, completesPipeline: Bool
    ) {
        self.candidateID = candidateID
        self.stage = stage
        self.artifactDigest = artifactDigest
        self.runID = runID
        self.overriddenBy = overriddenBy
        self.comment = comment
        self.completesPipeline = completesPipeline
        self.at = Date(timeIntervalSince1970: 0)
    }
}

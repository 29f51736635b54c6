import Foundation

/// Stored pipeline candidates and their promotions (see ``Candidate`` and ``Promotion``). Requirements are
/// `nonisolated(nonsending)`, as in ``RunStore``.
///
/// The store enforces the pipeline invariants, so they hold across every process that shares it: at most one
/// active stage run per candidate, a stage change only by a promotion with its evidence, one promotion per
/// (candidate, stage, artifact digest), and a paused candidate starts nothing until a named person resumes it.
/// Every write appends a ``StoreChange/Kind/candidate(_:)`` change to the store's feed. Nothing is pruned.
public protocol CandidateStore: Sendable {
    /// Creates a candidate unless one with its id exists (then returns it unchanged).
    ///
    /// The store puts it at stage 0, ready, with no counts, its times at the store's now and version 1.
    /// - Parameter candidate: The candidate (its id and pipeline are what counts).
    /// - Returns: The stored candidate, and whether this call created it.
    /// - Throws: ``StoreError`` with `invalidRecord` for an empty or overlong id or pipeline.
    nonisolated(nonsending) func submitCandidate(_ candidate: Candidate) async throws
        -> (candidate: Candidate, created: Bool)

    /// Makes `runID` the candidate's active stage run, in one compare-and-set: only a `ready` candidate at `stage`
    /// with no active run starts one (its state becomes `running` and its attempt count at the stage grows by one).
    /// - Parameters:
    ///   - candidateID: The candidate.
    ///   - stage: The stage the run is for.
    ///   - runID: The stage run's deterministic id.
    /// - Returns: Started, already active (the same run id), or refused with the reason.
    /// - Throws: ``StoreError`` with `candidateNotFound`.
    nonisolated(nonsending) func startStageRun(candidateID: String, stage: Int, runID: RunID) async throws
        -> StageRunStart

    /// Replaces a candidate if its stored version is still `expectedVersion` (compare-and-set): how a coordinator
    /// records a stage run's end, a gate verdict, a failure count or a pause.
    ///
    /// The store refuses what only its own operations may do: changing the id, pipeline or stage (a promotion
    /// moves the stage), setting another active run (``startStageRun(candidateID:stage:runID:)``), leaving a pause
    /// (``resumeCandidate(id:by:comment:)``) or leaving a final state.
    /// - Parameters:
    ///   - candidate: The new version.
    ///   - expectedVersion: The version the caller read.
    /// - Returns: The candidate as stored.
    /// - Throws: ``StoreError`` with `versionConflict`, `candidateNotFound`, `transitionRefused` or `invalidRecord`.
    nonisolated(nonsending) func replaceCandidate(_ candidate: Candidate, expectedVersion: UInt64) async throws
        -> Candidate

    /// Resumes a paused candidate: it becomes `ready` at its stage with that stage's failure count reset.
    /// - Parameters:
    ///   - id: The candidate.
    ///   - person: Who resumes it; must not be empty.
    ///   - comment: Why.
    /// - Returns: The candidate as stored.
    /// - Throws: ``StoreError`` with `candidateNotFound`, or `transitionRefused` when it is not paused or no one
    ///   is named.
    nonisolated(nonsending) func resumeCandidate(id: String, by person: String, comment: String?) async throws
        -> Candidate

    /// Records a promotion and moves the candidate to the next stage (`ready`, counts of the new stage at zero)
    /// or to `completed`, in one atomic write; a promotion with the same (candidate, stage, digest) already stored
    /// is returned unchanged and moves nothing.
    ///
    /// Without ``Promotion/overriddenBy``, the candidate's ``Candidate/gate`` must be a `passed` verdict at the
    /// promotion's stage over the same run and digest, with no stage run active.
    /// - Parameter promotion: The promotion (the store sets ``Promotion/at``).
    /// - Returns: The stored promotion, whether this call created it, and the candidate as stored.
    /// - Throws: ``StoreError`` with `candidateNotFound`, or `transitionRefused` naming the missing evidence.
    nonisolated(nonsending) func promote(_ promotion: Promotion) async throws
        -> (promotion: Promotion, created: Bool, candidate: Candidate)

    /// One candidate.
    /// - Parameter id: The candidate's id.
    /// - Returns: The candidate, or `nil`.
    /// - Throws: ``StoreError`` when the store cannot be read.
    nonisolated(nonsending) func candidate(id: String) async throws -> Candidate?

    /// Candidates, oldest submission first (then by id).
    /// - Parameters:
    ///   - pipeline: Only this pipeline's candidates, when given.
    ///   - limit: The most to return.
    /// - Returns: The candidates.
    /// - Throws: ``StoreError`` when the store cannot be read.
    nonisolated(nonsending) func candidates(pipeline: String?, limit: Int) async throws -> [Candidate]

    /// A candidate's promotions, oldest first.
    /// - Parameter candidateID: The candidate.
    /// - Returns: The promotions.
    /// - Throws: ``StoreError`` when the store cannot be read.
    nonisolated(nonsending) func promotions(candidateID: String) async throws -> [Promotion]
}

/// A workflow store with pipeline candidates besides: what staged pipelines need. The built-in stores are all
/// pipeline stores; prove a custom one with `StoreConformanceSuite.runCandidates(…)` from `AgentStorage`.
public protocol PipelineStore: WorkflowStore, CandidateStore {}

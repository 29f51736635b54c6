import AgentCore
import Foundation

/// Pipeline candidates and promotions: each write is one journal line (`candidate`, the whole candidate; a
/// promotion writes its `promotion` line and the moved candidate's line in one append), appended on the writer
/// queue under the store lock after catching up on other processes' lines, so every start and promotion is one
/// compare-and-set across every process that shares the directory. Compaction keeps them all.
extension JSONFileAgentStore: PipelineStore {
    /// See ``CandidateStore/submitCandidate(_:)``. Atomic across processes: one candidate per id.
    /// - Parameter candidate: The candidate.
    /// - Returns: The stored candidate and whether this call created it.
    /// - Throws: ``StoreError`` with `invalidRecord`, or when the journal cannot be written.
    public func submitCandidate(_ candidate: Candidate) async throws -> (candidate: Candidate, created: Bool) {
        guard case .candidate(let stored, let created) = try await engine.perform(.submitCandidate(candidate)) else {
            throw Self.unexpected
        }
        return (stored, created)
    }

    /// See ``CandidateStore/startStageRun(candidateID:stage:runID:)``. Atomic across processes: one active run.
    /// - Parameters:
    ///   - candidateID: The candidate.
    ///   - stage: The stage.
    ///   - runID: The stage run.
    /// - Returns: Started, already active, or refused.
    /// - Throws: ``StoreError`` with `candidateNotFound`, or when the journal cannot be written.
    public func startStageRun(candidateID: String, stage: Int, runID: RunID) async throws -> StageRunStart {
        let operation = StoreOperation.startStageRun(candidateID: candidateID, stage: stage, runID: runID)
        guard case .stageRunStart(let start) = try await engine.perform(operation) else { throw Self.unexpected }
        return start
    }

    /// See ``CandidateStore/replaceCandidate(_:expectedVersion:)``. Atomic across processes.
    /// - Parameters:
    ///   - candidate: The new version.
    ///   - expectedVersion: The version the caller read.
    /// - Returns: The candidate as stored.
    /// - Throws: ``StoreError`` with `versionConflict`, `candidateNotFound`, `transitionRefused` or `invalidRecord`.
    public func replaceCandidate(_ candidate: Candidate, expectedVersion: UInt64) async throws -> Candidate {
        let operation = StoreOperation.replaceCandidate(candidate, expectedVersion: expectedVersion)
        guard case .candidate(let stored, _) = try await engine.perform(operation) else { throw Self.unexpected }
        return stored
    }

    /// See ``CandidateStore/resumeCandidate(id:by:comment:)``.
    /// - Parameters:
    ///   - id: The candidate.
    ///   - person: Who resumes it.
    ///   - comment: Why.
    /// - Returns: The candidate as stored.
    /// - Throws: ``StoreError`` with `candidateNotFound` or `transitionRefused`.
    public func resumeCandidate(id: String, by person: String, comment: String?) async throws -> Candidate {
        let operation = StoreOperation.resumeCandidate(id: id, by: person)
        guard case .candidate(let stored, _) = try await engine.perform(operation) else { throw Self.unexpected }
        return stored
    }

    /// See ``CandidateStore/promote(_:)``. Atomic across processes: one promotion per (candidate, stage, digest).
    /// - Parameter promotion: The promotion.
    /// - Returns: The stored promotion, whether this call created it, and the candidate.
    /// - Throws: ``StoreError`` with `candidateNotFound` or `transitionRefused`.
    public func promote(_ promotion: Promotion) async throws
        -> (promotion: Promotion, created: Bool, candidate: Candidate)
    {
        guard case .promotion(let stored, let created, let candidate) = try await engine.perform(.promote(promotion))
        else { throw Self.unexpected }
        return (stored, created, candidate)
    }

    /// See ``CandidateStore/candidate(id:)``.
    /// - Parameter id: The candidate.
    /// - Returns: The candidate, if any, after catching up on other processes.
    /// - Throws: ``StoreError`` when the journal cannot be read.
    public func candidate(id: String) async throws -> Candidate? {
        try await engine.read { $0.candidates.candidatesByID[id] }
    }

    /// See ``CandidateStore/candidates(pipeline:limit:)``.
    /// - Parameters:
    ///   - pipeline: Only this pipeline's.
    ///   - limit: The most to return.
    /// - Returns: The candidates, oldest first.
    /// - Throws: ``StoreError`` when the journal cannot be read.
    public func candidates(pipeline: String?, limit: Int) async throws -> [Candidate] {
        try await engine.read { $0.candidates.candidates(pipeline: pipeline, limit: limit) }
    }

    /// See ``CandidateStore/promotions(candidateID:)``.
    /// - Parameter candidateID: The candidate.
    /// - Returns: Its promotions, oldest first.
    /// - Throws: ``StoreError`` when the journal cannot be read.
    public func promotions(candidateID: String) async throws -> [Promotion] {
        try await engine.read { $0.candidates.promotionsByCandidate[candidateID] ?? [] }
    }
}

import AgentCore
import Foundation
import Synchronization

/// Pipeline candidates and promotions in memory, under the store's control lock, each write appended to the change
/// feed.
extension InMemoryAgentStore: PipelineStore {
    /// See ``CandidateStore/submitCandidate(_:)``.
    /// - Parameter candidate: The candidate.
    /// - Returns: The stored candidate and whether this call created it.
    /// - Throws: ``StoreError`` with `invalidRecord`.
    nonisolated(nonsending) public func submitCandidate(_ candidate: Candidate) async throws
        -> (candidate: Candidate, created: Bool)
    {
        let now = clock.now
        return try write { table throws(StoreError) in
            let result = try table.submitting(candidate, now: now)
            return (result, result.created ? result.candidate : nil, nil)
        }
    }

    /// See ``CandidateStore/startStageRun(candidateID:stage:runID:)``.
    /// - Parameters:
    ///   - candidateID: The candidate.
    ///   - stage: The stage.
    ///   - runID: The stage run.
    /// - Returns: Started, already active, or refused.
    /// - Throws: ``StoreError`` with `candidateNotFound`.
    nonisolated(nonsending) public func startStageRun(candidateID: String, stage: Int, runID: RunID) async throws
        -> StageRunStart
    {
        let now = clock.now
        return try write { table throws(StoreError) in
            let (start, changed) = try table.starting(candidateID: candidateID, stage: stage, runID: runID, now: now)
            return (start, changed ? start.candidate : nil, nil)
        }
    }

    /// See ``CandidateStore/replaceCandidate(_:expectedVersion:)``.
    /// - Parameters:
    ///   - candidate: The new version.
    ///   - expectedVersion: The version the caller read.
    /// - Returns: The candidate as stored.
    /// - Throws: ``StoreError`` with `versionConflict`, `candidateNotFound`, `transitionRefused` or `invalidRecord`.
    nonisolated(nonsending) public func replaceCandidate(_ candidate: Candidate, expectedVersion: UInt64)
        async throws -> Candidate
    {
        let now = clock.now
        return try write { table throws(StoreError) in
            let stored = try table.replacing(candidate, expectedVersion: expectedVersion, now: now)
            return (stored, stored, nil)
        }
    }

    /// See ``CandidateStore/resumeCandidate(id:by:comment:)``.
    /// - Parameters:
    ///   - id: The candidate.
    ///   - person: Who resumes it.
    ///   - comment: Why.
    /// - Returns: The candidate as stored.
    /// - Throws: ``StoreError`` with `candidateNotFound` or `transitionRefused`.
    nonisolated(nonsending) public func resumeCandidate(id: String, by person: String, comment: String?)
        async throws -> Candidate
    {
        let now = clock.now
        return try write { table throws(StoreError) in
            let stored = try table.resuming(id: id, by: person, now: now)
            return (stored, stored, nil)
        }
    }

    /// See ``CandidateStore/promote(_:)``.
    /// - Parameter promotion: The promotion.
    /// - Returns: The stored promotion, whether this call created it, and the candidate.
    /// - Throws: ``StoreError`` with `candidateNotFound` or `transitionRefused`.
    nonisolated(nonsending) public func promote(_ promotion: Promotion) async throws
        -> (promotion: Promotion, created: Bool, candidate: Candidate)
    {
        let now = clock.now
        return try write { table throws(StoreError) in
            let result = try table.promoting(promotion, now: now)
            guard result.created else { return (result, nil, nil) }
            return (result, result.candidate, result.promotion)
        }
    }

    /// See ``CandidateStore/candidate(id:)``.
    /// - Parameter id: The candidate.
    /// - Returns: The candidate, if any.
    nonisolated(nonsending) public func candidate(id: String) async throws -> Candidate? {
        control.withLock { $0.candidates.candidatesByID[id] }
    }

    /// See ``CandidateStore/candidates(pipeline:limit:)``.
    /// - Parameters:
    ///   - pipeline: Only this pipeline's.
    ///   - limit: The most to return.
    /// - Returns: The candidates, oldest first.
    nonisolated(nonsending) public func candidates(pipeline: String?, limit: Int) async throws -> [Candidate] {
        control.withLock { $0.candidates.candidates(pipeline: pipeline, limit: limit) }
    }

    /// See ``CandidateStore/promotions(candidateID:)``.
    /// - Parameter candidateID: The candidate.
    /// - Returns: Its promotions, oldest first.
    nonisolated(nonsending) public func promotions(candidateID: String) async throws -> [Promotion] {
        control.withLock { $0.candidates.promotionsByCandidate[candidateID] ?? [] }
    }

    /// Applies one candidate operation under the control lock: `body` computes the answer and what to store (a
    /// candidate, and a promotion that comes with it); the candidate is appended to the change feed.
    private func write<Answer: Sendable>(
        _ body: (CandidateTable) throws(StoreError) -> (Answer, Candidate?, Promotion?)
    ) throws(StoreError) -> Answer {
        let (answer, sequence) = try control.withLock { control throws(StoreError) in
            let (answer, candidate, promotion) = try body(control.candidates)
            guard let candidate else { return (answer, UInt64?.none) }
            if let promotion { control.candidates.put(promotion) }
            control.candidates.put(candidate)
            return (answer, control.changes.append(.candidate(candidate)).sequence)
        }
        if let sequence { waiters.advance(to: sequence) }
        return answer
    }
}

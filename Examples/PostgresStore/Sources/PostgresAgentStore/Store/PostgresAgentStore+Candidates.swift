import AgentCore
import AgentStorage
import Foundation
import PostgresNIO

extension PostgresAgentStore: PipelineStore {
    /// See ``CandidateStore/submitCandidate(_:)``: one insert that does nothing when the id exists, so of concurrent
    /// submissions of one id exactly one creates it.
    /// - Parameter candidate: The candidate.
    /// - Returns: The stored candidate and whether this call created it.
    /// - Throws: ``StoreError`` with `invalidRecord` for a bad id or pipeline.
    public func submitCandidate(_ candidate: Candidate) async throws -> (candidate: Candidate, created: Bool) {
        if let existing = try await self.candidate(id: candidate.id) { return (existing, false) }
        return try await write { transaction in
            let storeNow = try await now(in: transaction)
            let (fresh, _) = try CandidateTable().submitting(candidate, now: storeNow)
            let rows = try await transaction.rows(
                """
                INSERT INTO \(unescaped: table("candidates"))
                    (id, pipeline, stage, state, active_run_id, created_at, updated_at, version, body)
                VALUES (\(fresh.id), \(fresh.pipeline), \(Int32(fresh.stage)), \(fresh.state.name), NULL,
                    \(unescaped: table("ts"))(\(fresh.createdAt.milliseconds)),
                    \(unescaped: table("ts"))(\(fresh.updatedAt.milliseconds)), \(Int64(fresh.version)),
                    \(try WorkflowRecordCodec.json(fresh))::jsonb)
                ON CONFLICT (id) DO NOTHING
                RETURNING 1
                """)
            if !rows.isEmpty { return ((fresh, true), [.candidate(fresh)]) }
            // Another process created it between the read and the insert.
            guard let existing = try await lockedCandidate(fresh.id, in: transaction) else {
                throw StoreError(.io, "the candidates of \(location) lost candidate \(fresh.id)")
            }
            return ((existing, false), [])
        }
    }

    /// See ``CandidateStore/startStageRun(candidateID:stage:runID:)``: the candidate's row is locked while
    /// ``CandidateTable/starting(candidateID:stage:runID:now:)`` decides, so of concurrent starts exactly one wins.
    /// - Parameters:
    ///   - candidateID: The candidate.
    ///   - stage: The stage.
    ///   - runID: The stage run's id.
    /// - Returns: Started, already active or refused.
    /// - Throws: ``StoreError`` with `candidateNotFound`.
    public func startStageRun(candidateID: String, stage: Int, runID: RunID) async throws -> StageRunStart {
        try await write { transaction in
            let (table, now) = try await lockedTable(candidateID, in: transaction)
            let (start, changed) = try table.starting(candidateID: candidateID, stage: stage, runID: runID, now: now)
            guard changed, case .started(let stored) = start else { return (start, []) }
            try await replace(stored, in: transaction)
            return (start, [.candidate(stored)])
        }
    }

    /// See ``CandidateStore/replaceCandidate(_:expectedVersion:)``: a compare-and-set under the row's lock.
    /// - Parameters:
    ///   - candidate: The new version.
    ///   - expectedVersion: The version the caller read.
    /// - Returns: The stored candidate.
    /// - Throws: ``StoreError`` with `versionConflict`, `candidateNotFound`, `transitionRefused` or `invalidRecord`.
    public func replaceCandidate(_ candidate: Candidate, expectedVersion: UInt64) async throws -> Candidate {
        try await write { transaction in
            let (table, now) = try await lockedTable(candidate.id, in: transaction)
            let stored = try table.replacing(candidate, expectedVersion: expectedVersion, now: now)
            try await replace(stored, in: transaction)
            return (stored, [.candidate(stored)])
        }
    }

    /// See ``CandidateStore/resumeCandidate(id:by:comment:)``.
    /// - Parameters:
    ///   - id: The candidate.
    ///   - person: Who resumes it.
    ///   - comment: Why.
    /// - Returns: The stored candidate.
    /// - Throws: ``StoreError`` with `candidateNotFound` or `transitionRefused`.
    public func resumeCandidate(id: String, by person: String, comment: String?) async throws -> Candidate {
        try await write { transaction in
            let (table, now) = try await lockedTable(id, in: transaction)
            let stored = try table.resuming(id: id, by: person, now: now)
            try await replace(stored, in: transaction)
            return (stored, [.candidate(stored)])
        }
    }

    /// See ``CandidateStore/promote(_:)``: under the candidate's row lock, an existing promotion with the same
    /// candidate, stage and digest is returned unchanged; otherwise the promotion is inserted (its primary key is that
    /// triple) and the candidate moved, in one transaction.
    /// - Parameter promotion: The promotion.
    /// - Returns: The stored promotion, whether this call created it, and the candidate as stored.
    /// - Throws: ``StoreError`` with `candidateNotFound` or `transitionRefused`.
    public func promote(_ promotion: Promotion) async throws -> (
        promotion: Promotion, created: Bool, candidate: Candidate
    ) {
        try await write { transaction in
            var (table, now) = try await lockedTable(promotion.candidateID, in: transaction)
            let existing = try await transaction.rows(
                """
                SELECT body::text FROM \(unescaped: self.table("promotions"))
                WHERE candidate_id = \(promotion.candidateID) AND stage = \(Int32(clamping: promotion.stage))
                    AND artifact_digest = \(promotion.artifactDigest)
                """)
            for text in try decodeAll(existing, as: String.self) {
                table.put(try WorkflowRecordCodec.record(Promotion.self, text))
            }
            let result = try table.promoting(promotion, now: now)
            guard result.created else { return (result, []) }
            let stored = result.promotion
            try await transaction.rows(
                """
                INSERT INTO \(unescaped: self.table("promotions"))
                    (candidate_id, stage, artifact_digest, run_id, overridden_by, promoted_at, body)
                VALUES (\(stored.candidateID), \(Int32(clamping: stored.stage)), \(stored.artifactDigest),
                    \(stored.runID?.rawValue), \(stored.overriddenBy),
                    \(unescaped: self.table("ts"))(\(stored.at.milliseconds)),
                    \(try WorkflowRecordCodec.json(stored))::jsonb)
                """)
            try await replace(result.candidate, in: transaction)
            return (result, [.candidate(result.candidate)])
        }
    }

    /// See ``CandidateStore/candidate(id:)``.
    /// - Parameter id: The candidate's id.
    /// - Returns: The candidate, or `nil`.
    /// - Throws: ``StoreError`` when the database cannot be read.
    public func candidate(id: String) async throws -> Candidate? {
        let rows = try await database.rows(
            "SELECT body::text FROM \(unescaped: table("candidates")) WHERE id = \(id)")
        return try decode(rows.first, as: String.self).map { try WorkflowRecordCodec.record(Candidate.self, $0) }
    }

    /// See ``CandidateStore/candidates(pipeline:limit:)``: oldest submission first, served by the indexes on
    /// `(created_at, id)` and `(pipeline, created_at, id)`.
    /// - Parameters:
    ///   - pipeline: Only this pipeline's candidates, when given.
    ///   - limit: The most to return.
    /// - Returns: The candidates.
    /// - Throws: ``StoreError`` when the database cannot be read.
    public func candidates(pipeline: String?, limit: Int) async throws -> [Candidate] {
        let rows = try await database.rows(
            """
            SELECT body::text FROM \(unescaped: table("candidates"))
            WHERE \(pipeline)::text IS NULL OR pipeline = \(pipeline)
            ORDER BY created_at, id
            LIMIT \(Int64(max(0, limit)))
            """)
        return try decodeAll(rows, as: String.self).map { try WorkflowRecordCodec.record(Candidate.self, $0) }
    }

    /// See ``CandidateStore/promotions(candidateID:)``.
    /// - Parameter candidateID: The candidate.
    /// - Returns: Its promotions, oldest first.
    /// - Throws: ``StoreError`` when the database cannot be read.
    public func promotions(candidateID: String) async throws -> [Promotion] {
        let rows = try await database.rows(
            """
            SELECT body::text FROM \(unescaped: table("promotions")) WHERE candidate_id = \(candidateID)
            ORDER BY promoted_at, stage, artifact_digest
            """)
        return try decodeAll(rows, as: String.self).map { try WorkflowRecordCodec.record(Promotion.self, $0) }
    }

    // MARK: Rows

    /// Locks a candidate's row and reads it with the database's now (read after the lock).
    private func lockedTable(_ id: String, in transaction: Transaction) async throws -> (CandidateTable, Date) {
        var table = CandidateTable()
        if let candidate = try await lockedCandidate(id, in: transaction) { table.put(candidate) }
        return (table, try await now(in: transaction))
    }

    private func lockedCandidate(_ id: String, in transaction: Transaction) async throws -> Candidate? {
        let rows = try await transaction.rows(
            "SELECT body::text FROM \(unescaped: table("candidates")) WHERE id = \(id) FOR UPDATE")
        return try decode(rows.first, as: String.self).map { try WorkflowRecordCodec.record(Candidate.self, $0) }
    }

    private func replace(_ candidate: Candidate, in transaction: Transaction) async throws {
        try await transaction.rows(
            """
            UPDATE \(unescaped: table("candidates")) SET
                stage = \(Int32(clamping: candidate.stage)),
                state = \(candidate.state.name),
                active_run_id = \(candidate.activeRunID?.rawValue),
                updated_at = \(unescaped: table("ts"))(\(candidate.updatedAt.milliseconds)),
                version = \(Int64(candidate.version)),
                body = \(try WorkflowRecordCodec.json(candidate))::jsonb
            WHERE id = \(candidate.id)
            """)
    }
}

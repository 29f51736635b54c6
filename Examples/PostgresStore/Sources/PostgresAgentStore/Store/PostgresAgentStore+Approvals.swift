import AgentCore
import Foundation
import PostgresNIO

extension PostgresAgentStore {
    /// See ``ApprovalStore/requestApproval(_:timeout:)``: one statement writes the pending request or returns the
    /// run's existing one; `requestedAt` and `deadline` are the database's now and now + `timeout`.
    /// - Parameters:
    ///   - request: The request.
    ///   - timeout: How long people have to decide.
    /// - Returns: The stored request and whether this call created it.
    /// - Throws: ``StoreError`` when the database cannot be written.
    public func requestApproval(_ request: ApprovalRequest, timeout: Duration) async throws
        -> (request: ApprovalRequest, created: Bool)
    {
        var fresh = request
        fresh.state = .pending
        fresh.decision = nil
        fresh.notifiedAt = nil
        fresh.version = 1
        let body = try WorkflowRecordCodec.json(fresh)
        let timeoutMilliseconds = max(.zero, timeout).wholeMilliseconds
        return try await write { transaction in
            let rows = try await transaction.rows(
                """
                WITH now AS (SELECT \(unescaped: table("now_ms"))(\(injectedNow)) AS now),
                clock AS (SELECT now.now, now.now + \(timeoutMilliseconds) AS deadline FROM now)
                INSERT INTO \(unescaped: table("approvals")) AS existing
                    (run_id, agent, plan_run_id, task_id, state, requested_by, requested_at, deadline, version, body)
                SELECT \(fresh.runID.rawValue), \(fresh.agentName.rawValue), \(fresh.planRunID), \(fresh.taskID),
                    'pending', \(fresh.requestedBy), \(unescaped: table("ts"))(clock.now),
                    \(unescaped: table("ts"))(clock.deadline), 1,
                    \(body)::jsonb || jsonb_build_object(
                        'requestedAt', \(unescaped: table("iso"))(clock.now),
                        'deadline', \(unescaped: table("iso"))(clock.deadline))
                FROM clock
                ON CONFLICT (run_id) DO UPDATE SET version = existing.version
                RETURNING existing.xmax = 0, existing.body::text
                """)
            guard let (created, text) = try decode(rows.first, as: (Bool, String).self) else {
                throw StoreError(.io, "the approvals of \(location) returned no row for run \(fresh.runID)")
            }
            let stored = try WorkflowRecordCodec.record(ApprovalRequest.self, text)
            return ((stored, created), created ? [.approval(stored)] : [])
        }
    }

    /// See ``ApprovalStore/decideApproval(runID:verdict:by:comment:)``: one transaction locks the request's row,
    /// reads the database's now after the lock, applies ``ApprovalRequest/deciding(_:by:comment:now:)`` and writes
    /// the result when it changed, so of concurrent deciders exactly one decides a pending request, and a verdict at
    /// or after the deadline on the database's clock expires it instead.
    /// - Parameters:
    ///   - runID: The run.
    ///   - verdict: Approve or reject.
    ///   - decider: Who decides.
    ///   - comment: Why.
    /// - Returns: How it went and the request as stored.
    /// - Throws: ``StoreError`` with ``StoreError/Code/approvalNotFound`` when the run has no request.
    public func decideApproval(runID: RunID, verdict: ApprovalVerdict, by decider: String, comment: String?)
        async throws -> ApprovalDecisionResult
    {
        try await write { transaction in
            let rows = try await transaction.rows(
                """
                WITH locked AS MATERIALIZED (
                    SELECT body FROM \(unescaped: table("approvals")) WHERE run_id = \(runID.rawValue) FOR UPDATE
                )
                SELECT locked.body::text, \(unescaped: table("now_ms"))(\(injectedNow)) FROM locked
                """)
            guard let (text, now) = try decode(rows.first, as: (String, Int64).self) else {
                throw StoreError(
                    .approvalNotFound, "run \(runID) has no approval request; list them with `agentctl approvals`")
            }
            let current = try WorkflowRecordCodec.record(ApprovalRequest.self, text)
            var result = current.deciding(verdict, by: decider, comment: comment, now: Date(milliseconds: now))
            guard result.request != current else { return (result, []) }
            result.request.version = current.version + 1
            try await replace(result.request, in: transaction)
            return (result, [.approval(result.request)])
        }
    }

    /// See ``ApprovalStore/expireApprovals()``: the pending requests whose deadline has come on the database's clock,
    /// oldest first, found through the partial index on `deadline`; rows another transaction holds (a decision in
    /// progress) are left to it.
    /// - Returns: The requests this call expired.
    /// - Throws: ``StoreError`` when the database cannot be written.
    public func expireApprovals() async throws -> [ApprovalRequest] {
        try await write { transaction in
            let rows = try await transaction.rows(
                """
                WITH clock AS (SELECT \(unescaped: table("now_ms"))(\(injectedNow)) AS now)
                SELECT request.body::text, clock.now FROM \(unescaped: table("approvals")) AS request, clock
                WHERE request.state = 'pending' AND request.deadline <= \(unescaped: table("ts"))(clock.now)
                ORDER BY request.requested_at, request.run_id
                FOR UPDATE OF request SKIP LOCKED
                """)
            var expired: [ApprovalRequest] = []
            for (text, now) in try decodeAll(rows, as: (String, Int64).self) {
                let current = try WorkflowRecordCodec.record(ApprovalRequest.self, text)
                var request = current.expiring(now: Date(milliseconds: now))
                request.version = current.version + 1
                try await replace(request, in: transaction)
                expired.append(request)
            }
            return (expired, expired.map { .approval($0) })
        }
    }

    /// See ``ApprovalStore/markApprovalNotified(runID:)``: one statement sets `notifiedAt` to the database's now
    /// where it is unset, so exactly one caller gets the request back.
    /// - Parameter runID: The run.
    /// - Returns: The updated request for the one caller that set it, otherwise `nil`.
    /// - Throws: ``StoreError`` when the database cannot be written.
    public func markApprovalNotified(runID: RunID) async throws -> ApprovalRequest? {
        try await write { transaction -> (ApprovalRequest?, [StoreChange.Kind]) in
            let rows = try await transaction.rows(
                """
                WITH clock AS (SELECT \(unescaped: table("now_ms"))(\(injectedNow)) AS now)
                UPDATE \(unescaped: table("approvals")) AS request SET
                    notified_at = \(unescaped: table("ts"))(clock.now),
                    version = request.version + 1,
                    body = request.body || jsonb_build_object(
                        'notifiedAt', \(unescaped: table("iso"))(clock.now), 'version', request.version + 1)
                FROM clock
                WHERE request.run_id = \(runID.rawValue) AND request.notified_at IS NULL
                RETURNING request.body::text
                """)
            guard let text = try decode(rows.first, as: String.self) else { return (nil, []) }
            let request = try WorkflowRecordCodec.record(ApprovalRequest.self, text)
            return (request, [.approval(request)])
        }
    }

    /// See ``ApprovalStore/approval(runID:)``.
    /// - Parameter runID: The run.
    /// - Returns: The request, or `nil`.
    /// - Throws: ``StoreError`` when the database cannot be read.
    public func approval(runID: RunID) async throws -> ApprovalRequest? {
        let rows = try await database.rows(
            "SELECT body::text FROM \(unescaped: table("approvals")) WHERE run_id = \(runID.rawValue)")
        return try decode(rows.first, as: String.self).map { try WorkflowRecordCodec.record(ApprovalRequest.self, $0) }
    }

    /// See ``ApprovalStore/approvals(in:limit:)``: oldest request first, served by the indexes on
    /// `(requested_at, run_id)` and `(state, requested_at, run_id)`.
    /// - Parameters:
    ///   - states: The states wanted (`nil`: all).
    ///   - limit: The most to return.
    /// - Returns: The requests.
    /// - Throws: ``StoreError`` when the database cannot be read.
    public func approvals(in states: Set<ApprovalState>?, limit: Int) async throws -> [ApprovalRequest] {
        let stateNames = states.map { $0.map(\.rawValue).sorted() }
        let rows = try await database.rows(
            """
            SELECT body::text FROM \(unescaped: table("approvals"))
            WHERE (\(stateNames)::text[] IS NULL OR state = ANY(\(stateNames)::text[]))
            ORDER BY requested_at, run_id
            LIMIT \(Int64(max(0, limit)))
            """)
        return try decodeAll(rows, as: String.self).map { try WorkflowRecordCodec.record(ApprovalRequest.self, $0) }
    }

    /// Replaces the row of a request the transaction has locked (the rules were applied by the caller).
    private func replace(_ request: ApprovalRequest, in transaction: Transaction) async throws {
        let body = try WorkflowRecordCodec.json(request)
        try await transaction.rows(
            """
            UPDATE \(unescaped: table("approvals")) SET
                state = \(request.state.rawValue),
                decided_by = \(request.decision?.decidedBy),
                decided_at = \(unescaped: table("ts"))(\(request.decision?.decidedAt.milliseconds)),
                notified_at = \(unescaped: table("ts"))(\(request.notifiedAt?.milliseconds)),
                version = \(Int64(request.version)),
                body = \(body)::jsonb
            WHERE run_id = \(request.runID.rawValue)
            """)
    }
}

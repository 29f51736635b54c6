import AgentCore
import Foundation

/// Plan runs and approvals: each write is one journal line (`planRun` or `approval`, the whole value), appended on
/// the writer queue under the store lock after catching up on other processes' lines, so every create-or-get and
/// compare-and-set is atomic across every process that shares the directory. Compaction keeps them all.
extension JSONFileAgentStore {
    // MARK: Plan runs

    /// See ``PlanStore/createPlanRun(_:)``. Atomic across processes: one run per id.
    /// - Parameter run: The new run.
    /// - Returns: The stored run and whether this call created it.
    /// - Throws: ``StoreError`` with `invalidRecord`, or when the journal cannot be written.
    public func createPlanRun(_ run: PlanRun) async throws -> (run: PlanRun, created: Bool) {
        guard case .planRun(let stored, let created) = try await engine.perform(.createPlanRun(run)) else {
            throw Self.unexpected
        }
        return (stored, created)
    }

    /// See ``PlanStore/replacePlanRun(_:expectedVersion:)``. Atomic across processes.
    /// - Parameters:
    ///   - run: The new version.
    ///   - expectedVersion: The version the caller read.
    /// - Returns: The run as stored.
    /// - Throws: ``StoreError`` with `versionConflict`, `planRunNotFound` or `invalidRecord`.
    public func replacePlanRun(_ run: PlanRun, expectedVersion: UInt64) async throws -> PlanRun {
        let operation = StoreOperation.replacePlanRun(run, expectedVersion: expectedVersion)
        guard case .planRun(let stored, _) = try await engine.perform(operation) else { throw Self.unexpected }
        return stored
    }

    /// See ``PlanStore/planRun(id:)``.
    /// - Parameter id: The plan run's id.
    /// - Returns: The run, if any, after catching up on other processes.
    /// - Throws: ``StoreError`` when the journal cannot be read.
    public func planRun(id: String) async throws -> PlanRun? {
        try await engine.read { $0.workflows.planRunsByID[id] }
    }

    /// See ``PlanStore/planRuns(plan:statuses:limit:)``.
    /// - Parameters:
    ///   - plan: Only this plan's runs.
    ///   - statuses: Only these statuses.
    ///   - limit: The most to return.
    /// - Returns: The runs, newest first.
    /// - Throws: ``StoreError`` when the journal cannot be read.
    public func planRuns(plan: String?, statuses: Set<PlanRunStatus>?, limit: Int) async throws -> [PlanRun] {
        try await engine.read { $0.workflows.planRuns(plan: plan, statuses: statuses, limit: limit) }
    }

    // MARK: Approvals

    /// See ``ApprovalStore/requestApproval(_:timeout:)``. Atomic across processes: one request per run.
    /// - Parameters:
    ///   - request: The request.
    ///   - timeout: The time to decide.
    /// - Returns: The stored request and whether this call created it.
    /// - Throws: ``StoreError`` when the journal cannot be written.
    public func requestApproval(_ request: ApprovalRequest, timeout: Duration) async throws
        -> (request: ApprovalRequest, created: Bool)
    {
        let operation = StoreOperation.requestApproval(request, timeout: timeout)
        guard case .approvalRequest(let stored?, let created) = try await engine.perform(operation) else {
            throw Self.unexpected
        }
        return (stored, created)
    }

    /// See ``ApprovalStore/decideApproval(runID:verdict:by:comment:)``. One compare-and-set across processes.
    /// - Parameters:
    ///   - runID: The run.
    ///   - verdict: Approve or reject.
    ///   - decider: Who decides.
    ///   - comment: Why.
    /// - Returns: How it went.
    /// - Throws: ``StoreError`` with `approvalNotFound`, or when the journal cannot be written.
    public func decideApproval(runID: RunID, verdict: ApprovalVerdict, by decider: String, comment: String?)
        async throws -> ApprovalDecisionResult
    {
        let operation = StoreOperation.decideApproval(runID: runID, verdict: verdict, by: decider, comment: comment)
        guard case .approvalDecision(let result) = try await engine.perform(operation) else { throw Self.unexpected }
        return result
    }

    /// See ``ApprovalStore/expireApprovals()``.
    /// - Returns: The requests this call expired.
    /// - Throws: ``StoreError`` when the journal cannot be written.
    public func expireApprovals() async throws -> [ApprovalRequest] {
        guard case .approvals(let expired) = try await engine.perform(.expireApprovals) else { throw Self.unexpected }
        return expired
    }

    /// See ``ApprovalStore/markApprovalNotified(runID:)``. Atomic across processes: exactly one caller wins.
    /// - Parameter runID: The run.
    /// - Returns: The request for the one caller that set `notifiedAt`, otherwise `nil`.
    /// - Throws: ``StoreError`` when the journal cannot be written.
    public func markApprovalNotified(runID: RunID) async throws -> ApprovalRequest? {
        guard case .approvalRequest(let request, _) = try await engine.perform(.markApprovalNotified(runID)) else {
            throw Self.unexpected
        }
        return request
    }

    /// See ``ApprovalStore/approval(runID:)``.
    /// - Parameter runID: The run.
    /// - Returns: The request, if any.
    /// - Throws: ``StoreError`` when the journal cannot be read.
    public func approval(runID: RunID) async throws -> ApprovalRequest? {
        try await engine.read { $0.workflows.approvalsByRun[runID] }
    }

    /// See ``ApprovalStore/approvals(in:limit:)``.
    /// - Parameters:
    ///   - states: The states wanted.
    ///   - limit: The most to return.
    /// - Returns: The requests, oldest first.
    /// - Throws: ``StoreError`` when the journal cannot be read.
    public func approvals(in states: Set<ApprovalState>?, limit: Int) async throws -> [ApprovalRequest] {
        try await engine.read { $0.workflows.approvals(in: states, limit: limit) }
    }
}

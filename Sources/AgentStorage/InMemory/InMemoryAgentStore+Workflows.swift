import AgentCore
import Foundation
import Synchronization

/// Plan runs and approvals in memory, under the store's control lock, each write appended to the change feed.
extension InMemoryAgentStore {
    // MARK: Plan runs

    /// See ``PlanStore/createPlanRun(_:)``.
    /// - Parameter run: The new run.
    /// - Returns: The stored run and whether this call created it.
    /// - Throws: ``StoreError`` with `invalidRecord` for a run without tasks or with a bad id.
    nonisolated(nonsending) public func createPlanRun(_ run: PlanRun) async throws -> (run: PlanRun, created: Bool) {
        let now = clock.now
        let (result, sequence) = try control.withLock { control throws(StoreError) in
            let result = try control.workflows.creating(run, now: now)
            guard result.created else { return (result, UInt64?.none) }
            control.workflows.put(result.run)
            return (result, control.changes.append(.planRun(result.run)).sequence)
        }
        if let sequence { waiters.advance(to: sequence) }
        return result
    }

    /// See ``PlanStore/replacePlanRun(_:expectedVersion:)``.
    /// - Parameters:
    ///   - run: The new version.
    ///   - expectedVersion: The version the caller read.
    /// - Returns: The run as stored.
    /// - Throws: ``StoreError`` with `versionConflict`, `planRunNotFound` or `invalidRecord`.
    nonisolated(nonsending) public func replacePlanRun(_ run: PlanRun, expectedVersion: UInt64) async throws
        -> PlanRun
    {
        let now = clock.now
        let (stored, sequence) = try control.withLock { control throws(StoreError) in
            let stored = try control.workflows.replacing(run, expectedVersion: expectedVersion, now: now)
            control.workflows.put(stored)
            return (stored, control.changes.append(.planRun(stored)).sequence)
        }
        waiters.advance(to: sequence)
        return stored
    }

    /// See ``PlanStore/planRun(id:)``.
    /// - Parameter id: The plan run's id.
    /// - Returns: The run, if any.
    nonisolated(nonsending) public func planRun(id: String) async throws -> PlanRun? {
        control.withLock { $0.workflows.planRunsByID[id] }
    }

    /// See ``PlanStore/planRuns(plan:statuses:limit:)``.
    /// - Parameters:
    ///   - plan: Only this plan's runs.
    ///   - statuses: Only these statuses.
    ///   - limit: The most to return.
    /// - Returns: The runs, newest first.
    nonisolated(nonsending) public func planRuns(plan: String?, statuses: Set<PlanRunStatus>?, limit: Int)
        async throws -> [PlanRun]
    {
        control.withLock { $0.workflows.planRuns(plan: plan, statuses: statuses, limit: limit) }
    }

    // MARK: Approvals

    /// See ``ApprovalStore/requestApproval(_:timeout:)``.
    /// - Parameters:
    ///   - request: The request.
    ///   - timeout: The time to decide.
    /// - Returns: The stored request and whether this call created it.
    nonisolated(nonsending) public func requestApproval(_ request: ApprovalRequest, timeout: Duration) async throws
        -> (request: ApprovalRequest, created: Bool)
    {
        let now = clock.now
        let (result, sequence) = control.withLock { control in
            let result = control.workflows.requesting(request, timeout: timeout, now: now)
            guard result.created else { return (result, UInt64?.none) }
            control.workflows.put(result.request)
            return (result, control.changes.append(.approval(result.request)).sequence)
        }
        if let sequence { waiters.advance(to: sequence) }
        return result
    }

    /// See ``ApprovalStore/decideApproval(runID:verdict:by:comment:)``.
    /// - Parameters:
    ///   - runID: The run.
    ///   - verdict: Approve or reject.
    ///   - decider: Who decides.
    ///   - comment: Why.
    /// - Returns: How it went.
    /// - Throws: ``StoreError`` with `approvalNotFound`.
    nonisolated(nonsending) public func decideApproval(
        runID: RunID, verdict: ApprovalVerdict, by decider: String, comment: String?
    ) async throws -> ApprovalDecisionResult {
        let now = clock.now
        let (result, sequence) = try control.withLock { control throws(StoreError) in
            let (result, changed) = try control.workflows.deciding(
                runID: runID, verdict: verdict, by: decider, comment: comment, now: now)
            guard changed else { return (result, UInt64?.none) }
            control.workflows.put(result.request)
            return (result, control.changes.append(.approval(result.request)).sequence)
        }
        if let sequence { waiters.advance(to: sequence) }
        return result
    }

    /// See ``ApprovalStore/expireApprovals()``.
    /// - Returns: The requests this call expired.
    nonisolated(nonsending) public func expireApprovals() async throws -> [ApprovalRequest] {
        let now = clock.now
        let (expired, sequence) = control.withLock { control in
            let expired = control.workflows.expiring(now: now)
            for request in expired {
                control.workflows.put(request)
                control.changes.append(.approval(request))
            }
            return (expired, control.changes.lastSequence)
        }
        if !expired.isEmpty { waiters.advance(to: sequence) }
        return expired
    }

    /// See ``ApprovalStore/markApprovalNotified(runID:)``.
    /// - Parameter runID: The run.
    /// - Returns: The request for the one caller that set `notifiedAt`, otherwise `nil`.
    nonisolated(nonsending) public func markApprovalNotified(runID: RunID) async throws -> ApprovalRequest? {
        let now = clock.now
        let (request, sequence) = control.withLock { control in
            guard let request = control.workflows.notifying(runID: runID, now: now) else {
                return (ApprovalRequest?.none, UInt64?.none)
            }
            control.workflows.put(request)
            return (request, control.changes.append(.approval(request)).sequence)
        }
        if let sequence { waiters.advance(to: sequence) }
        return request
    }

    /// See ``ApprovalStore/approval(runID:)``.
    /// - Parameter runID: The run.
    /// - Returns: The request, if any.
    nonisolated(nonsending) public func approval(runID: RunID) async throws -> ApprovalRequest? {
        control.withLock { $0.workflows.approvalsByRun[runID] }
    }

    /// See ``ApprovalStore/approvals(in:limit:)``.
    /// - Parameters:
    ///   - states: The states wanted.
    ///   - limit: The most to return.
    /// - Returns: The requests, oldest first.
    nonisolated(nonsending) public func approvals(in states: Set<ApprovalState>?, limit: Int) async throws
        -> [ApprovalRequest]
    {
        control.withLock { $0.workflows.approvals(in: states, limit: limit) }
    }
}

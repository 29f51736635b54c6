import AgentCore
import Foundation

/// Plan runs and approval requests, with the rules of ``PlanStore`` and ``ApprovalStore``: the in-memory and
/// JSON-file stores keep one and apply every workflow operation through it under their lock, so both behave alike.
///
/// The `…ing` methods only compute what is to be stored; the store writes it (to its journal) and then calls
/// ``put(_:)-(PlanRun)`` or ``put(_:)-(ApprovalRequest)``. Nothing is ever pruned.
package struct WorkflowTable: Sendable {
    /// Plan runs by id.
    package private(set) var planRunsByID: [String: PlanRun] = [:]
    /// Approval requests by run.
    package private(set) var approvalsByRun: [RunID: ApprovalRequest] = [:]

    /// Creates an empty table.
    package init() {}

    /// Every plan run, oldest first.
    package var allPlanRuns: [PlanRun] {
        planRunsByID.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Every approval request, oldest first.
    package var allApprovals: [ApprovalRequest] {
        approvalsByRun.values.sorted { ($0.requestedAt, $0.runID) < ($1.requestedAt, $1.runID) }
    }

    // MARK: Plan runs

    /// What ``PlanStore/createPlanRun(_:)`` stores: the new run (`created`), or the existing one.
    /// - Throws: ``StoreError`` with `invalidRecord` for an empty or overlong id or a run without tasks.
    package func creating(_ run: PlanRun, now: Date) throws(StoreError) -> (run: PlanRun, created: Bool) {
        if let existing = planRunsByID[run.id] { return (existing, false) }
        var stored = try run.validatedForStorage()
        stored.createdAt = Timestamp.roundedToMilliseconds(now)
        stored.updatedAt = stored.createdAt
        stored.version = 1
        return (stored, true)
    }

    /// What ``PlanStore/replacePlanRun(_:expectedVersion:)`` stores.
    /// - Throws: ``StoreError`` with `planRunNotFound`, `versionConflict` or `invalidRecord`.
    package func replacing(_ run: PlanRun, expectedVersion: UInt64, now: Date) throws(StoreError) -> PlanRun {
        guard let current = planRunsByID[run.id] else {
            throw StoreError(.planRunNotFound, "no plan run with id \(run.id); create it first")
        }
        guard current.version == expectedVersion else {
            throw StoreError(
                .versionConflict,
                "plan run \(run.id) is at version \(current.version), not \(expectedVersion): it was changed meanwhile; read it again"
            )
        }
        guard current.plan == run.plan, current.businessDate == run.businessDate else {
            throw StoreError(.invalidRecord, "plan run \(run.id): the plan and business date of a run cannot change")
        }
        var stored = try run.validatedForStorage()
        stored.createdAt = current.createdAt
        stored.updatedAt = Timestamp.roundedToMilliseconds(now)
        stored.version = expectedVersion + 1
        return stored
    }

    /// Stores a plan run as computed by ``creating(_:now:)`` or ``replacing(_:expectedVersion:now:)`` (or read from
    /// a journal).
    package mutating func put(_ run: PlanRun) { planRunsByID[run.id] = run }

    /// Plan runs, newest first, as ``PlanStore/planRuns(plan:statuses:limit:)``.
    package func planRuns(plan: String?, statuses: Set<PlanRunStatus>?, limit: Int) -> [PlanRun] {
        let matching = planRunsByID.values.filter {
            (plan == nil || $0.plan == plan) && (statuses?.contains($0.status) ?? true)
        }
        return Array(matching.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }.prefix(max(0, limit)))
    }

    // MARK: Approvals

    /// What ``ApprovalStore/requestApproval(_:timeout:)`` stores: the new request (`created`), or the existing one.
    package func requesting(_ request: ApprovalRequest, timeout: Duration, now: Date) -> (
        request: ApprovalRequest, created: Bool
    ) {
        if let existing = approvalsByRun[request.runID] { return (existing, false) }
        var stored = request
        stored.requestedAt = Timestamp.roundedToMilliseconds(now)
        stored.deadline = Timestamp.roundedToMilliseconds(now.addingTimeInterval(max(.zero, timeout).timeInterval))
        stored.state = .pending
        stored.decision = nil
        stored.notifiedAt = nil
        stored.version = 1
        return (stored, true)
    }

    /// The answer of ``ApprovalStore/decideApproval(runID:verdict:by:comment:)``; store its request when `changed`.
    /// - Throws: ``StoreError`` with `approvalNotFound`.
    package func deciding(
        runID: RunID, verdict: ApprovalVerdict, by decider: String, comment: String?, now: Date
    ) throws(StoreError) -> (result: ApprovalDecisionResult, changed: Bool) {
        guard let current = approvalsByRun[runID] else {
            throw StoreError(
                .approvalNotFound, "run \(runID) has no approval request; list them with `agentctl approvals`")
        }
        var result = current.deciding(
            verdict, by: decider, comment: comment, now: Timestamp.roundedToMilliseconds(now))
        guard result.request != current else { return (result, false) }
        result.request.version = current.version + 1
        return (result, true)
    }

    /// The requests ``ApprovalStore/expireApprovals()`` expires now, oldest first, as they are to be stored.
    package func expiring(now: Date) -> [ApprovalRequest] {
        allApprovals.filter { $0.state == .pending && now >= $0.deadline }.map {
            var expired = $0.expiring(now: Timestamp.roundedToMilliseconds(now))
            expired.version = $0.version + 1
            return expired
        }
    }

    /// The request ``ApprovalStore/markApprovalNotified(runID:)`` stores, or `nil` when it is notified or unknown.
    package func notifying(runID: RunID, now: Date) -> ApprovalRequest? {
        guard var request = approvalsByRun[runID], request.notifiedAt == nil else { return nil }
        request.notifiedAt = Timestamp.roundedToMilliseconds(now)
        request.version += 1
        return request
    }

    /// Stores an approval request as computed by the methods above (or read from a journal).
    package mutating func put(_ request: ApprovalRequest) { approvalsByRun[request.runID] = request }

    /// Requests in some states, oldest first, as ``ApprovalStore/approvals(in:limit:)``.
    package func approvals(in states: Set<ApprovalState>?, limit: Int) -> [ApprovalRequest] {
        Array(allApprovals.filter { states?.contains($0.state) ?? true }.prefix(max(0, limit)))
    }
}

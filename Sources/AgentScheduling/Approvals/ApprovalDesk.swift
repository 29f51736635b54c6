import AgentCore
import Foundation

/// Approvals as library calls over a ``AgentCore/WorkflowStore``, for any run that ends
/// ``AgentCore/RunStatus/awaitingApproval`` (a plan task or not): record the request, decide it, apply the decision to
/// the run, expire what nobody decided.
///
/// `agentctl approve`, an HTTP host and the runner all use it; the decision itself is one compare-and-set in the
/// store, so two people (or processes) deciding at once get one decision.
///
/// ```swift
/// let desk = ApprovalDesk(store: store)
/// let result = try await desk.decide(runID: id, verdict: .approve, by: "alice", comment: "LGTM")
/// ```
public struct ApprovalDesk: Sendable {
    /// The store.
    public let store: any WorkflowStore

    /// Creates a desk.
    /// - Parameter store: The store the runners share.
    public init(store: any WorkflowStore) { self.store = store }

    /// Records the approval request of a run awaiting approval (or returns the one it has).
    /// - Parameters:
    ///   - record: The run.
    ///   - policy: Time to decide and approvers.
    ///   - planRunID: Its plan run, if it is a plan task.
    ///   - taskID: Its plan task, if any.
    ///   - requestedBy: Who asks.
    /// - Returns: The stored request.
    /// - Throws: ``AgentCore/StoreError`` when the store cannot be written.
    @discardableResult
    public func request(
        for record: RunRecord, policy: ApprovalPolicy = .default, planRunID: String? = nil, taskID: String? = nil,
        requestedBy: String
    ) async throws -> ApprovalRequest {
        let request = ApprovalRequest(
            record: record, planRunID: planRunID, taskID: taskID, requestedBy: requestedBy,
            approvers: policy.approvers, preventSelfApproval: policy.preventSelfApproval)
        return try await store.requestApproval(request, timeout: policy.timeout).request
    }

    /// Decides a request and applies the decision to its run (see ``apply(_:)``).
    /// - Parameters:
    ///   - runID: The run.
    ///   - verdict: Approve or reject.
    ///   - decider: Who decides.
    ///   - comment: Why.
    /// - Returns: How it went and the request as stored.
    /// - Throws: ``AgentCore/StoreError`` with ``AgentCore/StoreError/Code/approvalNotFound`` when the run has no
    ///   request.
    public func decide(runID: RunID, verdict: ApprovalVerdict, by decider: String, comment: String? = nil)
        async throws -> ApprovalDecisionResult
    {
        let result = try await store.decideApproval(runID: runID, verdict: verdict, by: decider, comment: comment)
        if result.request.state.isDecided { try await apply(result.request) }
        return result
    }

    /// Ends a decided request's run if it still awaits approval: approved → ``AgentCore/RunStatus/succeeded``,
    /// rejected or expired → ``AgentCore/RunStatus/rejected`` (with who and why in the error message, and no failure
    /// class: a rejection is not an agent failure). Idempotent: any runner may call it.
    /// - Parameter request: The decided request.
    /// - Returns: The run as this call ended it, or `nil` when it was not waiting any more.
    /// - Throws: ``AgentCore/StoreError`` when the store cannot be written.
    @discardableResult
    public func apply(_ request: ApprovalRequest) async throws -> RunRecord? {
        guard let status = request.resultingRunStatus, let decision = request.decision,
            var record = try await store.run(id: request.runID), record.status == .awaitingApproval
        else { return nil }
        record.status = status
        record.endedAt = decision.decidedAt
        record.leaseOwner = nil
        record.leaseExpiresAt = nil
        let comment = decision.comment.map { ": \($0)" } ?? ""
        switch decision.state {
        case .approved:
            record.summary = record.summary ?? "approved by \(decision.decidedBy)\(comment)"
        case .rejected:
            record.errorMessage = "rejected by \(decision.decidedBy)\(comment)"
        default:
            record.errorMessage =
                "approval expired at \(Timestamp.format(request.deadline)) with no decision; request a new run to ask again"
        }
        do {
            try await store.updateRun(record)
        } catch let error as StoreError where error.code == .terminalRecordImmutable {
            return nil
        }
        return record
    }

    /// Expires every pending request past its deadline and ends their runs rejected.
    /// - Returns: The requests this call expired.
    /// - Throws: ``AgentCore/StoreError`` when the store cannot be written.
    public func expireOverdue() async throws -> [ApprovalRequest] {
        let expired = try await store.expireApprovals()
        for request in expired { try await apply(request) }
        return expired
    }
}

import Foundation

/// A run's request for a person's sign-off, stored as a record of its own and keyed by the run.
///
/// A run that ends ``RunStatus/awaitingApproval`` gets one (``ApprovalStore/requestApproval(_:timeout:)``); the run
/// then holds no lease, slot or process until someone decides. A decision is one compare-and-set from
/// ``ApprovalState/pending`` (``ApprovalStore/decideApproval(runID:verdict:by:comment:)``) with the rules of
/// ``deciding(_:by:comment:now:)``, which every store applies alike. Nothing here is specific to plans: any run can
/// wait for approval; ``planRunID`` and ``taskID`` only say where it belongs when it is a plan task.
public struct ApprovalRequest: Sendable, Hashable, Codable, Identifiable {
    /// The name recorded as the decider of an expiry.
    public static let systemDecider = "system"
    /// The default time to decide: 72 hours.
    public static let defaultTimeout: Duration = .seconds(72 * 3600)

    /// The run that waits.
    public var runID: RunID
    /// Its agent.
    public var agentName: AgentName
    /// The plan run it belongs to, if it is a plan task.
    public var planRunID: String?
    /// The plan task it executes, if any.
    public var taskID: String?
    /// Where the outputs to review are (a pull request, a report).
    public var outputsURI: String?
    /// The run's summary.
    public var summary: String?
    /// The first and last lines of the run's log, for the notification.
    public var logExcerpt: [String]
    /// Who asked (the runner, or the agent's owner), for the self-approval rule.
    public var requestedBy: String
    /// When the request was written, on the store's clock.
    public var requestedAt: Date
    /// The first instant at which a decision is refused as expired, on the store's clock.
    public var deadline: Date
    /// Who may decide; empty means anyone.
    public var approvers: [String]
    /// Whether ``requestedBy`` is refused as a decider.
    public var preventSelfApproval: Bool
    /// Where the request is.
    public var state: ApprovalState
    /// The decision, once made.
    public var decision: ApprovalDecision?
    /// When the "awaiting approval" notification was taken in charge (once, across every runner).
    public var notifiedAt: Date?
    /// The store's version of the record; each write adds one.
    public var version: UInt64

    /// Creates a pending request; the store sets ``requestedAt``, ``deadline`` and ``version``.
    /// - Parameters:
    ///   - record: The run that waits (its id, agent, outputs location, summary and log excerpt are copied).
    ///   - planRunID: Its plan run, if any.
    ///   - taskID: Its plan task, if any.
    ///   - requestedBy: Who asks.
    ///   - approvers: Who may decide (empty: anyone).
    ///   - preventSelfApproval: Whether the requester may not decide.
    public init(
        record: RunRecord, planRunID: String? = nil, taskID: String? = nil, requestedBy: String,
        approvers: [String] = [], preventSelfApproval: Bool = false
    ) {
        self.runID = record.id
        self.agentName = record.agentName
        self.planRunID = planRunID
        self.taskID = taskID
        self.outputsURI = record.outputsURI
        self.summary = record.summary
        self.logExcerpt = record.logExcerpt
        self.requestedBy = requestedBy
        self.requestedAt = Date(timeIntervalSince1970: 0)
        self.deadline = Date(timeIntervalSince1970: 0)
        self.approvers = approvers
        self.preventSelfApproval = preventSelfApproval
        self.state = .pending
        self.decision = nil
        self.notifiedAt = nil
        self.version = 0
    }

    /// The id: the run's id.
    public var id: RunID { runID }

    /// The task name shown in notifications: the plan task, or the agent.
    public var taskName: String { taskID ?? agentName.rawValue }

    /// The run status a decided request leads to: `succeeded` when approved, `rejected` otherwise.
    public var resultingRunStatus: RunStatus? {
        switch state {
        case .pending: nil
        case .approved: .succeeded
        case .rejected, .expired: .rejected
        }
    }

    /// Applies a person's verdict with the rules every store shares, returning the request to store (when it
    /// changed) and the answer for the caller.
    ///
    /// Rules, in order: a request decided earlier answers ``ApprovalDecisionResult/Outcome/unchanged`` for the same
    /// verdict and ``ApprovalDecisionResult/Outcome/alreadyDecided`` for another (an expired one always answers
    /// `alreadyDecided`); a pending request at or after its deadline expires now and answers
    /// ``ApprovalDecisionResult/Outcome/expired``; a decider who is not listed, or is the requester when self-approval
    /// is prevented, gets ``ApprovalDecisionResult/Outcome/notAllowed``; otherwise the decision is made
    /// (``ApprovalDecisionResult/Outcome/decided``).
    /// - Parameters:
    ///   - verdict: Approve or reject.
    ///   - decider: Who decides.
    ///   - comment: Why.
    ///   - now: The store's current time.
    /// - Returns: The request as it must be stored (equal to `self` when nothing changes) and the answer.
    public func deciding(_ verdict: ApprovalVerdict, by decider: String, comment: String?, now: Date)
        -> ApprovalDecisionResult
    {
        if state.isDecided {
            let same = state == verdict.state
            return ApprovalDecisionResult(outcome: same ? .unchanged : .alreadyDecided, request: self)
        }
        if now >= deadline {
            return ApprovalDecisionResult(outcome: .expired, request: expiring(now: now))
        }
        if !approvers.isEmpty, !approvers.contains(decider) {
            return ApprovalDecisionResult(outcome: .notAllowed, request: self)
        }
        if preventSelfApproval, decider == requestedBy {
            return ApprovalDecisionResult(outcome: .notAllowed, request: self)
        }
        var decided = self
        decided.state = verdict.state
        decided.decision = ApprovalDecision(state: verdict.state, decidedBy: decider, decidedAt: now, comment: comment)
        return ApprovalDecisionResult(outcome: .decided, request: decided)
    }

    /// The request expired at `now` (decided by ``systemDecider``); a decided request is returned unchanged.
    /// - Parameter now: The store's current time.
    /// - Returns: The expired request.
    public func expiring(now: Date) -> ApprovalRequest {
        guard state == .pending else { return self }
        var expired = self
        expired.state = .expired
        expired.decision = ApprovalDecision(
            state: .expired, decidedBy: Self.systemDecider, decidedAt: now,
            comment: "no decision before the deadline")
        return expired
    }
}

/// The answer to a decision on an approval request.
public struct ApprovalDecisionResult: Sendable, Hashable {
    /// How the decision went.
    public enum Outcome: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
        /// This call decided the request.
        case decided
        /// The request already had this decision; nothing changed.
        case unchanged
        /// The request already had another decision, which stands.
        case alreadyDecided
        /// The deadline passed: the request is (now) expired and the verdict was refused.
        case expired
        /// The decider may not decide this request (not listed, or the requester itself).
        case notAllowed

        /// The raw value.
        public var description: String { rawValue }
    }

    /// How it went.
    public var outcome: Outcome
    /// The request as stored afterwards.
    public var request: ApprovalRequest

    /// Creates an answer.
    /// - Parameters:
    ///   - outcome: How it went.
    ///   - request: The request as stored.
    public init(outcome: Outcome, request: ApprovalRequest) {
        self.outcome = outcome
        self.request = request
    }
}

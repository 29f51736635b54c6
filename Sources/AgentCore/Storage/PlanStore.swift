import Foundation

/// Stored plan runs (see ``PlanRun``). Requirements are `nonisolated(nonsending)`, as in ``RunStore``.
///
/// Every write appends a ``StoreChange/Kind/planRun(_:)`` change to the store's feed, so every runner sharing the
/// store learns of it. A store that implements this protocol and ``ApprovalStore`` is a ``WorkflowStore``.
public protocol PlanStore: Sendable {
    /// Creates a plan run unless one with its id exists: one plan run per plan and business date, across every
    /// process that shares the store.
    ///
    /// The store sets ``PlanRun/createdAt`` and ``PlanRun/updatedAt`` to its now and ``PlanRun/version`` to 1.
    /// - Parameter run: The new run.
    /// - Returns: The stored run, and whether this call created it (`false`: the existing run, unchanged).
    /// - Throws: ``StoreError`` when the store cannot be written.
    nonisolated(nonsending) func createPlanRun(_ run: PlanRun) async throws -> (run: PlanRun, created: Bool)

    /// Replaces a plan run if its stored version is still `expectedVersion` (compare-and-set).
    ///
    /// The store sets ``PlanRun/updatedAt`` to its now and the version to `expectedVersion + 1`; the id, plan and
    /// business date never change.
    /// - Parameters:
    ///   - run: The new version of the run.
    ///   - expectedVersion: The version the caller read.
    /// - Returns: The run as stored.
    /// - Throws: ``StoreError`` with ``StoreError/Code/versionConflict`` when someone wrote it meanwhile (re-read
    ///   and decide again), ``StoreError/Code/planRunNotFound``, or ``StoreError/Code/invalidRecord``.
    nonisolated(nonsending) func replacePlanRun(_ run: PlanRun, expectedVersion: UInt64) async throws -> PlanRun

    /// One plan run.
    /// - Parameter id: The plan run's id (`nightly-2025-01-15`).
    /// - Returns: The run, or `nil`.
    /// - Throws: ``StoreError`` when the store cannot be read.
    nonisolated(nonsending) func planRun(id: String) async throws -> PlanRun?

    /// Plan runs, newest first (by creation time, then id).
    /// - Parameters:
    ///   - plan: Only this plan's runs, when given.
    ///   - statuses: Only runs in these statuses, when given.
    ///   - limit: The most to return.
    /// - Returns: The runs.
    /// - Throws: ``StoreError`` when the store cannot be read.
    nonisolated(nonsending) func planRuns(plan: String?, statuses: Set<PlanRunStatus>?, limit: Int) async throws
        -> [PlanRun]
}

/// Stored approval requests (see ``ApprovalRequest``), keyed by run. Requirements are `nonisolated(nonsending)`, as
/// in ``RunStore``.
///
/// Requests are never pruned. Every write appends a ``StoreChange/Kind/approval(_:)`` change to the store's feed.
public protocol ApprovalStore: Sendable {
    /// Writes a pending request for a run unless the run has one (then returns it unchanged).
    ///
    /// The store sets ``ApprovalRequest/requestedAt`` to its now, ``ApprovalRequest/deadline`` to now + `timeout`
    /// and the version to 1.
    /// - Parameters:
    ///   - request: The request.
    ///   - timeout: How long people have to decide.
    /// - Returns: The stored request, and whether this call created it.
    /// - Throws: ``StoreError`` when the store cannot be written.
    nonisolated(nonsending) func requestApproval(_ request: ApprovalRequest, timeout: Duration) async throws
        -> (request: ApprovalRequest, created: Bool)

    /// Decides a request in one compare-and-set, with the rules of
    /// ``ApprovalRequest/deciding(_:by:comment:now:)`` on the store's clock (a verdict at or after the deadline
    /// expires the request instead).
    /// - Parameters:
    ///   - runID: The run whose request it is.
    ///   - verdict: Approve or reject.
    ///   - decider: Who decides.
    ///   - comment: Why.
    /// - Returns: How it went and the request as stored.
    /// - Throws: ``StoreError`` with ``StoreError/Code/approvalNotFound`` when the run has no request.
    nonisolated(nonsending) func decideApproval(
        runID: RunID, verdict: ApprovalVerdict, by decider: String, comment: String?
    ) async throws -> ApprovalDecisionResult

    /// Expires every pending request whose deadline has come on the store's clock.
    /// - Returns: The requests this call expired.
    /// - Throws: ``StoreError`` when the store cannot be written.
    nonisolated(nonsending) func expireApprovals() async throws -> [ApprovalRequest]

    /// Atomically takes charge of the "awaiting approval" notification: sets ``ApprovalRequest/notifiedAt`` to the
    /// store's now when it is `nil`. Exactly one caller gets the request back.
    /// - Parameter runID: The run.
    /// - Returns: The updated request for the one caller that set it; `nil` otherwise.
    /// - Throws: ``StoreError`` when the store cannot be written.
    nonisolated(nonsending) func markApprovalNotified(runID: RunID) async throws -> ApprovalRequest?

    /// One request.
    /// - Parameter runID: The run.
    /// - Returns: The request, or `nil`.
    /// - Throws: ``StoreError`` when the store cannot be read.
    nonisolated(nonsending) func approval(runID: RunID) async throws -> ApprovalRequest?

    /// Requests in some states, oldest request first.
    /// - Parameters:
    ///   - states: The states wanted (`nil`: all).
    ///   - limit: The most to return.
    /// - Returns: The requests.
    /// - Throws: ``StoreError`` when the store cannot be read.
    nonisolated(nonsending) func approvals(in states: Set<ApprovalState>?, limit: Int) async throws
        -> [ApprovalRequest]
}

/// A store with plan runs and approvals besides runs: what plans and approvals need. The built-in stores are all
/// workflow stores; prove a custom one with `StoreConformanceSuite.checkWorkflows()` from `AgentStorage`.
public protocol WorkflowStore: AgentStore, PlanStore, ApprovalStore {}

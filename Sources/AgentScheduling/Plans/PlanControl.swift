import AgentCore
import Foundation

/// Plan runs from any process: start one, rerun one from its failures, read them. Writes go to the store; the
/// runners that have the plan see them on the change feed and carry them out (``PlanCoordinator``).
///
/// ```swift
/// let control = PlanControl(store: store)
/// let (run, created) = try await control.start(nightly, businessDate: try BusinessDate("2025-01-15"), requestedBy: "alice")
/// ```
public struct PlanControl: Sendable {
    /// The store.
    public let store: any WorkflowStore

    /// Creates a handle.
    /// - Parameter store: The store the runners share.
    public init(store: any WorkflowStore) { self.store = store }

    /// Creates a plan's run for a business date, or returns the existing one (one per plan and date, across
    /// processes).
    /// - Parameters:
    ///   - plan: The plan.
    ///   - businessDate: The date.
    ///   - requestedBy: Who starts it.
    /// - Returns: The stored run and whether this call created it.
    /// - Throws: ``AgentCore/StoreError`` when the store cannot be written.
    public func start(_ plan: PlanDefinition, businessDate: BusinessDate, requestedBy: String) async throws
        -> (run: PlanRun, created: Bool)
    {
        try await store.createPlanRun(plan.newRun(for: businessDate, requestedBy: requestedBy))
    }

    /// Reruns a settled plan run from its failures: the next attempt keeps succeeded tasks and resets the failed,
    /// timed-out, cancelled and rejected ones and every task skipped because of them; earlier runs stay in the store
    /// (``AgentCore/PlanTaskState/runIDs``).
    /// - Parameter id: The plan run.
    /// - Returns: The run as stored, back to `running`.
    /// - Throws: ``PlanError`` with ``PlanError/Code/notSettled`` for a run that is still going (or has nothing to
    ///   rerun); ``AgentCore/StoreError`` with ``AgentCore/StoreError/Code/planRunNotFound``.
    public func rerun(_ id: String) async throws -> PlanRun {
        while true {
            guard let stored = try await store.planRun(id: id) else {
                throw StoreError(.planRunNotFound, "no plan run with id \(id); list them with `agentctl plans`")
            }
            guard stored.status.isTerminal else {
                throw PlanError(
                    .notSettled,
                    "plan run \(id) is \(stored.status); a rerun needs a settled run (wait for it, or decide its approvals)"
                )
            }
            guard stored.tasks.contains(where: \.failedOrSkippedByFailure) else {
                throw PlanError(.notSettled, "plan run \(id) has no failed task to rerun")
            }
            var run = stored
            run.attempt += 1
            for index in run.tasks.indices where run.tasks[index].failedOrSkippedByFailure {
                run.tasks[index].status = .pending
                run.tasks[index].skipReason = nil
                run.tasks[index].dispatchedBy = nil
                run.tasks[index].runID = nil
                run.tasks[index].attempt = run.attempt
                run.tasks[index].startedAt = nil
                run.tasks[index].endedAt = nil
            }
            run.status = .running
            run.endedAt = nil
            do {
                return try await store.replacePlanRun(run, expectedVersion: stored.version)
            } catch let error as StoreError where error.code == .versionConflict {
                continue
            }
        }
    }

    /// One plan run.
    /// - Parameter id: Its id.
    /// - Returns: The run, or `nil`.
    /// - Throws: ``AgentCore/StoreError`` when the store cannot be read.
    public func planRun(_ id: String) async throws -> PlanRun? { try await store.planRun(id: id) }
}

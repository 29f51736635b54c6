import AgentCore
import Foundation

/// What a plan run needs next, decided from its definition and stored state alone (no I/O): which pending tasks
/// are skipped and why, and which may start now.
///
/// ```swift
/// let decision = PlanDecision(definition: nightly, run: stored)
/// // decision.run has the skips applied; start decision.ready through the scheduler.
/// ```
///
/// Rules: a pending task waits until every upstream task is terminal (an upstream task awaiting approval is not);
/// then ``PlanTriggerRule/allSucceeded`` starts it when all succeeded and otherwise skips it naming the first
/// upstream task that did not, ``PlanTriggerRule/noneFailed`` skips it only when an upstream task failed (or was
/// skipped because of a failure), and ``PlanTriggerRule/allDone`` always starts it. With ``PlanDefinition/failFast``,
/// a failure skips every task still pending. Tasks are visited in dependency order, so skips cascade in one pass.
public struct PlanDecision: Sendable, Hashable {
    /// The run with the skips applied and its status derived.
    public var run: PlanRun
    /// The tasks that may start now, in dependency order.
    public var ready: [String]
    /// Whether ``run`` differs from the stored run (skips, status or end time).
    public var changed: Bool

    /// Decides.
    /// - Parameters:
    ///   - definition: The plan.
    ///   - run: The stored run.
    ///   - now: When, for the end time of a run that settles.
    public init(definition: PlanDefinition, run stored: PlanRun, now: Date) {
        var run = stored
        var ready: [String] = []
        let failure = definition.failFast ? run.tasks.first { $0.status.isFailure } : nil
        for id in definition.topologicalOrder {
            guard let task = run[task: id], task.status == .pending, let spec = definition[task: id] else { continue }
            if let failure {
                run[task: id] = Self.skipped(
                    task,
                    because: PlanSkipReason(
                        upstreamTask: failure.id, upstreamStatus: failure.status, causedByFailure: true), now: now)
                continue
            }
            let upstream = spec.dependsOn.compactMap { run[task: $0] }
            guard upstream.allSatisfy(\.status.isTerminal) else { continue }
            switch spec.rule {
            case .allSucceeded:
                if let blocker = upstream.first(where: { !$0.status.isSuccess }) {
                    run[task: id] = Self.skipped(
                        task,
                        because: PlanSkipReason(
                            upstreamTask: blocker.id, upstreamStatus: blocker.status,
                            causedByFailure: blocker.failedOrSkippedByFailure), now: now)
                    continue
                }
            case .noneFailed:
                if let blocker = upstream.first(where: \.failedOrSkippedByFailure) {
                    run[task: id] = Self.skipped(
                        task,
                        because: PlanSkipReason(
                            upstreamTask: blocker.id, upstreamStatus: blocker.status, causedByFailure: true), now: now)
                    continue
                }
            case .allDone:
                break
            }
            ready.append(id)
        }
        let status = run.derivedStatus
        if status != run.status {
            run.status = status
            run.endedAt = status.isTerminal ? now : nil
        }
        self.run = run
        self.ready = ready
        self.changed = run != stored
    }

    private static func skipped(_ task: PlanTaskState, because reason: PlanSkipReason, now: Date) -> PlanTaskState {
        var task = task
        task.status = .skipped
        task.skipReason = reason
        task.endedAt = now
        return task
    }
}

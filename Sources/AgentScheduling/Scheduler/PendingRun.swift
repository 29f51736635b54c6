import AgentCore
import Foundation

/// A run the scheduler has decided to start once a slot and the agent's overlap policy allow: a due fire, a
/// retry whose delay has passed, a backfill date or a manual request.
///
/// Ordered for dispatch: higher priority first, then earlier due time, then first come.
struct PendingRun: Sendable, Comparable {
    /// Why the run exists; retries keep the origin of the run they retry.
    enum Origin: Sendable, Hashable {
        /// A fire of the agent's schedule at its nominal time.
        case scheduled(fire: Date)
        /// One business date of a backfill.
        case backfill
        /// A request made through ``AgentScheduler/trigger(_:parameters:businessDate:idempotencyKey:)``.
        case manual
    }

    /// Statuses that settle a scheduled fire's first attempt: once any run of the fire has ended (or was
    /// skipped or abandoned), no scheduler runs it again.
    static let scheduledFireSettledStatuses: Set<RunStatus> = Set(RunStatus.allCases.filter(\.isTerminal))

    /// The dispatch tie-breaker and the run's identity inside the scheduler.
    let sequence: UInt64
    /// The request to execute.
    let request: AgentRunRequest
    /// Why the run exists.
    let origin: Origin
    /// The agent's priority.
    let priority: RunPriority
    /// When the run became due (the nominal fire time, the retry time, the submission time).
    let dueAt: Date
    /// The tick that collected a scheduled fire (0 otherwise). Fires collected together (catch-ups after
    /// downtime and the fire on time) run one after another instead of applying the overlap policy to each other.
    var batch: UInt64 = 0
    /// Who waits for the end of the run's chain of attempts (backfill, manual), if anyone.
    var ticket: UInt64?
    /// For a retry: the execution of the attempt before.
    var previous: RunExecution?

    /// The agent.
    var agentName: AgentName { request.agentName }

    /// Whether the run serves a schedule fire (first attempt or retry).
    var isScheduled: Bool {
        if case .scheduled = origin { return true }
        return false
    }

    /// The nominal fire time of a scheduled run.
    var fire: Date? {
        if case .scheduled(let fire) = origin { return fire }
        return nil
    }

    /// Whether this is the first attempt of a schedule fire (the one claimed with the fire's key).
    var isFirstScheduledAttempt: Bool { isScheduled && request.attempt == 1 }

    /// The statuses of an earlier run with the same key that make this one a duplicate.
    var settledStatuses: Set<RunStatus> {
        isFirstScheduledAttempt ? Self.scheduledFireSettledStatuses : [.succeeded, .noOp]
    }

    static func < (lhs: PendingRun, rhs: PendingRun) -> Bool {
        if lhs.priority != rhs.priority { return lhs.priority > rhs.priority }
        if lhs.dueAt != rhs.dueAt { return lhs.dueAt < rhs.dueAt }
        return lhs.sequence < rhs.sequence
    }

    static func == (lhs: PendingRun, rhs: PendingRun) -> Bool { lhs.sequence == rhs.sequence }
}

import AgentCore
import Foundation

/// A run the scheduler has decided to start once a slot and the agent's overlap policy allow: a due fire, a
/// retry whose delay has passed, a backfill date or a manual request.
///
/// Ordered for dispatch: higher priority first, then earlier due time, then first come.
///
/// A class so that the priority queue, the active table and the workers' assignments share one instance
/// instead of copying a request and a previous record around; every property is immutable.
final class PendingRun: Sendable, Comparable {
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
    /// Statuses that settle any other request: a success.
    static let successStatuses: Set<RunStatus> = [.succeeded, .noOp]

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
    let batch: UInt64
    /// Who waits for the end of the run's chain of attempts (backfill, manual), if anyone.
    let ticket: UInt64?
    /// For a retry: the execution of the attempt before.
    let previous: RunExecution?

    /// Creates a pending run.
    /// - Parameters:
    ///   - sequence: The tie-breaker and identity.
    ///   - request: The request to execute.
    ///   - origin: Why the run exists.
    ///   - priority: The agent's priority.
    ///   - dueAt: When it became due.
    ///   - batch: The tick that collected a scheduled fire together with others (0 otherwise).
    ///   - ticket: Who waits for the end of its chain of attempts.
    ///   - previous: For a retry, the attempt before.
    init(
        sequence: UInt64, request: AgentRunRequest, origin: Origin, priority: RunPriority, dueAt: Date,
        batch: UInt64 = 0, ticket: UInt64? = nil, previous: RunExecution? = nil
    ) {
        self.sequence = sequence
        self.request = request
        self.origin = origin
        self.priority = priority
        self.dueAt = dueAt
        self.batch = batch
        self.ticket = ticket
        self.previous = previous
    }

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
        isFirstScheduledAttempt ? Self.scheduledFireSettledStatuses : Self.successStatuses
    }

    static func < (lhs: PendingRun, rhs: PendingRun) -> Bool {
        if lhs.priority != rhs.priority { return lhs.priority > rhs.priority }
        if lhs.dueAt != rhs.dueAt { return lhs.dueAt < rhs.dueAt }
        return lhs.sequence < rhs.sequence
    }

    static func == (lhs: PendingRun, rhs: PendingRun) -> Bool { lhs.sequence == rhs.sequence }
}

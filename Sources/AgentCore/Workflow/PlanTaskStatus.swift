/// Where one task of a plan run is.
///
/// `pending` waits for its upstream tasks; `running` was handed to the scheduler; `awaitingApproval` waits for a
/// person; every other status is terminal. A task is never left pending in a terminal plan run: it ends
/// ``skipped`` with a reason instead.
public enum PlanTaskStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Waiting for its upstream tasks to settle.
    case pending
    /// Handed to the scheduler; its run is queued or running (retries included).
    case running
    /// Its run ended waiting for a person's decision.
    case awaitingApproval
    /// Its run succeeded (or was approved).
    case succeeded
    /// Its run found nothing to do.
    case noOp
    /// Its run failed after its last attempt.
    case failed
    /// Its run timed out.
    case timedOut
    /// Its run was cancelled.
    case cancelled
    /// Its run was rejected by a person, or its approval expired.
    case rejected
    /// It was not run: an upstream task did not allow it (see ``PlanTaskState/skipReason``).
    case skipped

    /// Whether the status is final.
    public var isTerminal: Bool {
        switch self {
        case .pending, .running, .awaitingApproval: false
        default: true
        }
    }

    /// Whether the task counts as succeeded for ``PlanTriggerRule/allSucceeded`` (`succeeded`, `noOp`).
    public var isSuccess: Bool { self == .succeeded || self == .noOp }

    /// Whether the task counts as a failure for ``PlanTriggerRule/noneFailed`` and for the plan's status
    /// (`failed`, `timedOut`, `cancelled`, `rejected`).
    public var isFailure: Bool {
        switch self {
        case .failed, .timedOut, .cancelled, .rejected: true
        default: false
        }
    }

    /// The task status that a run's status stands for (``RunStatus/abandoned`` counts as failed: the plan
    /// engine re-dispatches a task whose runner died before it sees such a status).
    /// - Parameter status: The run's status.
    public init(run status: RunStatus) {
        switch status {
        case .queued, .running: self = .running
        case .awaitingApproval: self = .awaitingApproval
        case .succeeded: self = .succeeded
        case .noOp: self = .noOp
        case .timedOut: self = .timedOut
        case .cancelled: self = .cancelled
        case .rejected: self = .rejected
        case .skipped: self = .skipped
        case .failed, .abandoned: self = .failed
        }
    }

    /// The raw value.
    public var description: String { rawValue }
}

/// Where a run is in its life cycle.
///
/// `queued`, `running` and `awaitingApproval` are the only non-terminal statuses; every run ends in exactly one terminal status.
public enum RunStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Claimed, not started yet.
    case queued
    /// The agent is working; the record holds a lease its owner renews.
    case running
    /// The agent finished its work.
    case succeeded
    /// The agent failed or threw.
    case failed
    /// The agent found nothing to do.
    case noOp
    /// The run was cancelled before it finished.
    case cancelled
    /// The run exceeded its time limit and was cancelled.
    case timedOut
    /// The run was not started (overlap policy, misfire policy, paused agent).
    case skipped
    /// The run waits for a human to approve it.
    case awaitingApproval
    /// The process that owned the run died: its lease expired while the run was not finished.
    case abandoned
    /// A person rejected the run's outputs, or its approval expired. Terminal, not a success, and not an agent
    /// failure: it fails a plan but counts toward no auto-pause or failure streak.
    case rejected

    /// Whether the status is final.
    public var isTerminal: Bool {
        switch self {
        case .queued, .running, .awaitingApproval: false
        default: true
        }
    }

    /// Whether the status counts as a successful execution for idempotency (`succeeded` or `noOp`).
    public var isSuccess: Bool { self == .succeeded || self == .noOp }

    /// The raw value.
    public var description: String { rawValue }
}

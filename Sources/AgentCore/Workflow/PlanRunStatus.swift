/// Where a plan run is, derived from its tasks (see ``PlanRun/derivedStatus``).
public enum PlanRunStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Some task is pending or running.
    case running
    /// Nothing runs; at least one task waits for a person's decision.
    case awaitingApproval
    /// Every task settled, none failed, was rejected or was skipped because of a failure.
    case succeeded
    /// Every task settled and at least one failed, timed out, was cancelled or rejected, or was skipped because of
    /// such a task.
    case failed

    /// Whether the status is final (a rerun can still take a final plan run back to `running`).
    public var isTerminal: Bool { self == .succeeded || self == .failed }

    /// The raw value.
    public var description: String { rawValue }
}

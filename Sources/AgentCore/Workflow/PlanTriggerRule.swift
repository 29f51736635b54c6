/// When a task of a plan may start, given its upstream tasks (all of which must have settled first).
public enum PlanTriggerRule: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Every upstream task succeeded (`succeeded` or `noOp`, an approval included). The default.
    case allSucceeded
    /// No upstream task failed, timed out, was cancelled or rejected, or was skipped because of one; upstream tasks
    /// skipped for another reason are fine.
    case noneFailed
    /// Every upstream task settled, whatever its status (a cleanup task). The plan still fails when one failed.
    case allDone

    /// The raw value.
    public var description: String { rawValue }
}

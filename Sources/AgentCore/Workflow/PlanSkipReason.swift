/// Why a task of a plan run was skipped: which upstream task, in which status, stopped it.
public struct PlanSkipReason: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The upstream task that stopped it.
    public var upstreamTask: String
    /// That task's status.
    public var upstreamStatus: PlanTaskStatus
    /// Whether the skip is because of a failure upstream (directly or through other skipped tasks): such a skip
    /// fails the plan run, and a rerun resets it.
    public var causedByFailure: Bool

    /// Creates a reason.
    /// - Parameters:
    ///   - upstreamTask: The upstream task.
    ///   - upstreamStatus: Its status.
    ///   - causedByFailure: Whether a failure upstream is the cause.
    public init(upstreamTask: String, upstreamStatus: PlanTaskStatus, causedByFailure: Bool) {
        self.upstreamTask = upstreamTask
        self.upstreamStatus = upstreamStatus
        self.causedByFailure = causedByFailure
    }

    /// `upstream seo.validate failed`.
    public var description: String { "upstream \(upstreamTask) \(upstreamStatus)" }
}

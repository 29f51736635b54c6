import Foundation

/// One task of a plan run as stored: its status, why it was skipped, and the runs that executed it.
public struct PlanTaskState: Sendable, Hashable, Codable, Identifiable {
    /// The task's id in the plan definition (`seo.validate`).
    public var id: String
    /// The agent that executes it.
    public var agentName: AgentName
    /// Where the task is.
    public var status: PlanTaskStatus
    /// Why it was skipped, when it was.
    public var skipReason: PlanSkipReason?
    /// The runner that handed it to its scheduler (while `running`); another runner takes it over when this one is
    /// no longer alive.
    public var dispatchedBy: String?
    /// The run that executed it in the current plan attempt (the last attempt's run when it retried).
    public var runID: RunID?
    /// Every run that executed it, across plan attempts, oldest first (earlier records stay queryable).
    public var runIDs: [RunID]
    /// The plan attempt whose run settled it (a rerun keeps succeeded tasks of earlier attempts).
    public var attempt: Int
    /// When it was handed to the scheduler.
    public var startedAt: Date?
    /// When it settled.
    public var endedAt: Date?

    /// Creates a pending task.
    /// - Parameters:
    ///   - id: The task id.
    ///   - agentName: Its agent.
    ///   - attempt: The plan attempt.
    public init(id: String, agentName: AgentName, attempt: Int = 1) {
        self.id = id
        self.agentName = agentName
        self.status = .pending
        self.skipReason = nil
        self.dispatchedBy = nil
        self.runID = nil
        self.runIDs = []
        self.attempt = attempt
        self.startedAt = nil
        self.endedAt = nil
    }

    /// Whether the task failed, or was skipped because of a failure: what fails a plan run and what a rerun redoes.
    public var failedOrSkippedByFailure: Bool {
        status.isFailure || (status == .skipped && skipReason?.causedByFailure == true)
    }

    /// A short, human-readable reason for the status (`upstream seo.validate failed`), if there is one.
    public var reason: String? {
        if let skipReason { return skipReason.description }
        return nil
    }
}

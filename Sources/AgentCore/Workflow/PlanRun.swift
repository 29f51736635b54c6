import Foundation

/// One run of a plan for one business date: a stored record of its own, whose tasks' executions are ordinary
/// ``RunRecord``s.
///
/// Its id is the plan name and the business date in the plan's time zone (`nightly-2025-01-15`) and is unique in
/// the store: ``PlanStore/createPlanRun(_:)`` returns the existing run when the id is taken, from any process.
/// Changes are compare-and-set on ``version`` (``PlanStore/replacePlanRun(_:expectedVersion:)``).
public struct PlanRun: Sendable, Hashable, Codable, Identifiable {
    /// The run's id: `<plan>-<yyyy-MM-dd>`.
    public var id: String
    /// The plan's name.
    public var plan: String
    /// The day the run is about, in the plan's time zone.
    public var businessDate: BusinessDate
    /// 1, then one more for each rerun from failure.
    public var attempt: Int
    /// The status derived from the tasks when the run was last written.
    public var status: PlanRunStatus
    /// The tasks, in definition order.
    public var tasks: [PlanTaskState]
    /// Who started it (a runner's schedule, or a person).
    public var requestedBy: String
    /// When it was created, on the store's clock.
    public var createdAt: Date
    /// When it was last written, on the store's clock.
    public var updatedAt: Date
    /// When it settled, on the store's clock (cleared by a rerun).
    public var endedAt: Date?
    /// The store's version of the record; each write adds one.
    public var version: UInt64

    /// Creates a new plan run with pending tasks; the store sets the times and the version.
    /// - Parameters:
    ///   - plan: The plan's name.
    ///   - businessDate: The business date.
    ///   - tasks: The tasks (id and agent), in definition order.
    ///   - requestedBy: Who starts it.
    public init(plan: String, businessDate: BusinessDate, tasks: [(id: String, agent: AgentName)], requestedBy: String)
    {
        self.id = Self.id(plan: plan, businessDate: businessDate)
        self.plan = plan
        self.businessDate = businessDate
        self.attempt = 1
        self.status = .running
        self.tasks = tasks.map { PlanTaskState(id: $0.id, agentName: $0.agent) }
        self.requestedBy = requestedBy
        self.createdAt = Date(timeIntervalSince1970: 0)
        self.updatedAt = Date(timeIntervalSince1970: 0)
        self.endedAt = nil
        self.version = 0
    }

    /// The id of a plan's run for a business date: `nightly-2025-01-15`.
    /// - Parameters:
    ///   - plan: The plan's name.
    ///   - businessDate: The business date.
    /// - Returns: The id.
    public static func id(plan: String, businessDate: BusinessDate) -> String { "\(plan)-\(businessDate)" }

    /// A task by id.
    /// - Parameter id: The task id.
    public subscript(task id: String) -> PlanTaskState? {
        get { tasks.first { $0.id == id } }
        set {
            guard let index = tasks.firstIndex(where: { $0.id == id }), let newValue else { return }
            tasks[index] = newValue
        }
    }

    /// The status the tasks stand for: `running` while a task runs, `awaitingApproval` while nothing runs and a task
    /// waits for a decision, `running` while a task is pending, otherwise `failed` if any task failed, was rejected
    /// or was skipped because of a failure (a green cleanup task cannot hide one), else `succeeded`.
    public var derivedStatus: PlanRunStatus {
        if tasks.contains(where: { $0.status == .running }) { return .running }
        if tasks.contains(where: { $0.status == .awaitingApproval }) { return .awaitingApproval }
        if tasks.contains(where: { $0.status == .pending }) { return .running }
        return tasks.contains(where: \.failedOrSkippedByFailure) ? .failed : .succeeded
    }
}

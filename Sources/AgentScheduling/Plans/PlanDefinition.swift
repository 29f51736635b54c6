import AgentCore
import Foundation

/// A plan: tasks over agents with dependencies, run as one plan run per business date.
///
/// ```swift
/// let nightly = try PlanDefinition(
///     name: "nightly", schedule: .cron("30 2 * * *", timeZone: "UTC"),
///     tasks: [
///         PlanTaskDefinition(id: "seo.validate", agent: "seo-validate"),
///         PlanTaskDefinition(id: "code.review", agent: "code-review", dependsOn: ["seo.validate"]),
///     ])
/// ```
///
/// The definition is checked when it is made: unique task ids, known dependencies, no cycle (the error names the
/// cycle). ``validate(agents:)`` checks the agents against those a runner has.
public struct PlanDefinition: Sendable, Hashable {
    /// The plan's name; plan run ids are `<name>-<yyyy-MM-dd>`.
    public let name: String
    /// When the plan starts on its own (``ScheduleConfiguration/manualOnly`` for never).
    public let schedule: ScheduleConfiguration
    /// The time zone of the business date: the cron schedule's zone, else UTC.
    public let timeZone: String
    /// The tasks, in definition order.
    public let tasks: [PlanTaskDefinition]
    /// Whether a failure skips every task that has not started yet (default `false`: independent branches go on).
    public let failFast: Bool
    /// The tasks' ids in an order where every task comes after its dependencies.
    public let topologicalOrder: [String]

    /// Creates and checks a plan.
    /// - Parameters:
    ///   - name: The plan's name (`[A-Za-z0-9][A-Za-z0-9._-]*`, at most 63 characters).
    ///   - schedule: When it starts on its own.
    ///   - tasks: The tasks.
    ///   - failFast: Whether a failure stops tasks that have not started.
    /// - Throws: ``PlanError`` naming the bad name, duplicate task, unknown dependency or cycle.
    public init(
        name: String, schedule: ScheduleConfiguration = .manualOnly, tasks: [PlanTaskDefinition],
        failFast: Bool = false
    ) throws(PlanError) {
        guard (try? AgentName(name)) != nil else {
            throw PlanError(
                .invalidName,
                "plan name \"\(name)\" is not allowed: use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit"
            )
        }
        guard !tasks.isEmpty else { throw PlanError(.noTasks, "plan \(name) has no tasks; add at least one") }
        var seen = Set<String>()
        for task in tasks {
            guard !task.id.isEmpty, task.id.count <= 63, !task.id.contains(where: \.isWhitespace) else {
                throw PlanError(
                    .invalidName, "plan \(name): task id \"\(task.id)\" must be 1-63 characters without spaces")
            }
            guard seen.insert(task.id).inserted else {
                throw PlanError(.duplicateTask, "plan \(name): task \"\(task.id)\" is defined twice; rename one")
            }
        }
        for task in tasks {
            for upstream in task.dependsOn where !seen.contains(upstream) {
                throw PlanError(
                    .unknownTask,
                    "plan \(name): task \"\(task.id)\" depends on \"\(upstream)\", which is not a task of the plan (tasks: \(tasks.map(\.id).joined(separator: ", ")))"
                )
            }
        }
        self.name = name
        self.schedule = schedule
        self.timeZone = schedule.timeZoneIdentifier ?? "UTC"
        self.tasks = tasks
        self.failFast = failFast
        self.topologicalOrder = try Self.order(tasks, plan: name)
    }

    /// A task by id.
    /// - Parameter id: The task id.
    public subscript(task id: String) -> PlanTaskDefinition? { tasks.first { $0.id == id } }

    /// Checks that every task's agent is one of `agents`.
    /// - Parameter agents: The agents available.
    /// - Throws: ``PlanError`` with ``PlanError/Code/unknownAgent`` naming the task and agent.
    public func validate(agents: Set<AgentName>) throws(PlanError) {
        for task in tasks where !agents.contains(task.agent) {
            throw PlanError(
                .unknownAgent,
                "plan \(name): task \"\(task.id)\" runs agent \"\(task.agent)\", which is not configured (agents: \(agents.map(\.rawValue).sorted().joined(separator: ", ")))"
            )
        }
    }

    /// The business date of an instant in the plan's time zone.
    /// - Parameter date: The instant (a fire time, or now).
    /// - Returns: The date.
    public func businessDate(at date: Date) -> BusinessDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        guard let year = parts.year, let month = parts.month, let day = parts.day,
            let businessDate = try? BusinessDate(year: year, month: month, day: day)
        else { preconditionFailure("a Gregorian calendar gave no valid date for \(date)") }
        return businessDate
    }

    /// A new plan run of this plan for a business date: every task pending.
    /// - Parameters:
    ///   - businessDate: The date.
    ///   - requestedBy: Who starts it.
    /// - Returns: The run to create.
    public func newRun(for businessDate: BusinessDate, requestedBy: String) -> PlanRun {
        PlanRun(
            plan: name, businessDate: businessDate, tasks: tasks.map { ($0.id, $0.agent) }, requestedBy: requestedBy)
    }

    /// Kahn's algorithm in definition order; a cycle is reported with its path (`a → b → a`).
    private static func order(_ tasks: [PlanTaskDefinition], plan: String) throws(PlanError) -> [String] {
        var remaining = Dictionary(uniqueKeysWithValues: tasks.map { ($0.id, Set($0.dependsOn)) })
        var ordered: [String] = []
        while ordered.count < tasks.count {
            let ready = tasks.filter { remaining[$0.id]?.isEmpty == true }.map(\.id)
            guard !ready.isEmpty else {
                throw PlanError(
                    .cycle,
                    "plan \(plan): the dependencies form a cycle (\(cycle(in: remaining).joined(separator: " → "))); remove one dependsOn"
                )
            }
            for id in ready {
                ordered.append(id)
                remaining[id] = nil
            }
            for key in remaining.keys { remaining[key]?.subtract(ready) }
        }
        return ordered
    }

    /// A cycle among the tasks left when no task is ready: follow dependencies until one repeats.
    private static func cycle(in remaining: [String: Set<String>]) -> [String] {
        guard var current = remaining.keys.sorted().first else { return [] }
        var path: [String] = []
        while !path.contains(current) {
            path.append(current)
            guard let next = remaining[current]?.sorted().first(where: { remaining[$0] != nil }) else { break }
            current = next
        }
        guard let start = path.firstIndex(of: current) else { return path }
        return Array(path[start...]) + [current]
    }
}

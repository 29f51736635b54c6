import AgentCore
import Foundation

/// One registered agent as the scheduler sees it, from ``AgentScheduler/agents()``.
public struct ScheduledAgent: Sendable, Hashable {
    /// The agent's name.
    public var name: AgentName
    /// The schedule in force: the override set at run time, if any, otherwise the configured one.
    public var schedule: ScheduleConfiguration
    /// The schedule its definition (or `agentctl.json`) gives it.
    public var configuredSchedule: ScheduleConfiguration
    /// The schedule in plain English (`at 02:30 every day`, `every 15 minutes`, `manual only`).
    public var scheduleDescription: String
    /// Whether it runs on its schedule.
    public var isEnabled: Bool
    /// Whether it is paused.
    public var isPaused: Bool
    /// Why it is paused.
    public var pausedReason: String?
    /// The next fire, if it is scheduled.
    public var nextFireAt: Date?
    /// The last fire handled (run, skipped or coalesced).
    public var lastFireAt: Date?
    /// Failed runs in a row (a run and its retries count once).
    public var consecutiveFailures: Int
    /// Whether a schedule set at run time replaces the configured one.
    public var isScheduleOverridden: Bool
    /// Its dispatch priority.
    public var priority: RunPriority
    /// Its overlap policy.
    public var overlap: OverlapPolicy
    /// Its misfire policy.
    public var misfire: MisfirePolicy

    /// Creates a description.
    /// - Parameters:
    ///   - name: The agent's name.
    ///   - schedule: The schedule in force.
    ///   - configuredSchedule: The definition's schedule (default: `schedule`).
    ///   - isScheduleOverridden: Whether `schedule` was set at run time over the configured one.
    ///   - scheduleDescription: The schedule in plain English.
    ///   - isEnabled: Whether it runs on its schedule.
    ///   - isPaused: Whether it is paused.
    ///   - pausedReason: Why.
    ///   - nextFireAt: The next fire.
    ///   - lastFireAt: The last handled fire.
    ///   - consecutiveFailures: The failure streak.
    ///   - priority: Its priority.
    ///   - overlap: Its overlap policy.
    ///   - misfire: Its misfire policy.
    public init(
        name: AgentName, schedule: ScheduleConfiguration, configuredSchedule: ScheduleConfiguration? = nil,
        isScheduleOverridden: Bool = false, scheduleDescription: String, isEnabled: Bool,
        isPaused: Bool, pausedReason: String?, nextFireAt: Date?, lastFireAt: Date?, consecutiveFailures: Int,
        priority: RunPriority, overlap: OverlapPolicy, misfire: MisfirePolicy
    ) {
        self.name = name
        self.schedule = schedule
        self.configuredSchedule = configuredSchedule ?? schedule
        self.isScheduleOverridden = isScheduleOverridden
        self.scheduleDescription = scheduleDescription
        self.isEnabled = isEnabled
        self.isPaused = isPaused
        self.pausedReason = pausedReason
        self.nextFireAt = nextFireAt
        self.lastFireAt = lastFireAt
        self.consecutiveFailures = consecutiveFailures
        self.priority = priority
        self.overlap = overlap
        self.misfire = misfire
    }
}

import AgentCore
import AgentScheduling
import Foundation

/// The schedules and health of the configured agents as the shared store shows them, for commands that run
/// beside `serve` (or without it): `schedules` and `health`.
///
/// A running scheduler answers these from memory (``AgentScheduler/agents()``, ``AgentScheduler/health(window:)``);
/// another process reads the same facts from what every scheduler persists: schedule states and run records.
struct StoreSnapshot: Sendable {
    /// One agent's schedule.
    struct ScheduleRow: Sendable {
        var agent: AgentConfiguration
        /// The schedule in force: the one set at run time (``ScheduleState/scheduleOverride``), else the configured.
        var schedule: ScheduleConfiguration
        /// The schedule in words, with its zone (`at 02:30 every day (Europe/Berlin)`).
        var description: String
        var state: ScheduleState
        /// The next fire; `nil` when the agent is manual-only, disabled or paused.
        var nextFireAt: Date?
        /// Whether ``nextFireAt`` has passed without the fire being handled (no scheduler was running).
        var isOverdue: Bool
    }

    var schedules: [ScheduleRow]
    /// The runners live on the store (`serve`, `agent-server`, embedding programs).
    var runners: [RunnerPresence]
    var takenAt: Date

    /// Reads the states of the configured agents.
    /// - Throws: ``StoreError`` when the store cannot be read.
    static func take(
        _ configuration: RunnerConfiguration, store: any AgentStore, now: Date = Date()
    ) async throws -> StoreSnapshot {
        let states = Dictionary(
            try await store.allScheduleStates().map { ($0.agentName, $0) }, uniquingKeysWith: { _, last in last })
        let rows = configuration.agents.map { agent in
            let state = states[agent.name] ?? ScheduleState(agentName: agent.name)
            let configuration = state.scheduleOverride ?? agent.schedule
            let schedule = try? Schedule(configuration)
            var next: Date?
            if agent.isEnabled, !state.isPaused, let schedule {
                // As the scheduler resumes: at the persisted next fire while it is still a fire of the schedule.
                next =
                    state.nextFireAt.flatMap { schedule.next(after: $0.addingTimeInterval(-0.001)) }
                    ?? schedule.next(after: now)
            }
            return ScheduleRow(
                agent: agent, schedule: configuration, description: schedule?.description ?? configuration.description,
                state: state,
                nextFireAt: next, isOverdue: next.map { $0 < now.addingTimeInterval(-1) } ?? false)
        }
        return StoreSnapshot(
            schedules: rows, runners: try await store.livePresences(), takenAt: now)
    }

    /// The health of every configured agent over `window`, computed from its records as
    /// ``AgentScheduler/health(window:)`` does.
    /// - Throws: ``StoreError`` when the store cannot be read.
    func health(store: any AgentStore, window: Duration, overdueGracePeriod: Duration) async throws -> [AgentHealth] {
        let since = takenAt.addingTimeInterval(-window.timeInterval)
        var result: [AgentHealth] = []
        for row in schedules {
            let name = row.agent.name
            var health = AgentHealth(
                name: name, isEnabled: row.agent.isEnabled, isPaused: row.state.isPaused,
                pausedReason: row.state.pausedReason, nextFireAt: row.nextFireAt,
                consecutiveFailures: row.state.consecutiveFailures)
            try await health.loadRunFigures(from: store, since: since)
            try await health.loadServiceLevel(
                row.agent.policy.serviceLevel, schedule: row.schedule, from: store, now: takenAt,
                overdueGracePeriod: overdueGracePeriod)
            result.append(health)
        }
        return result
    }
}

import AgentCore
import AgentScheduling
import Foundation

/// Applies pauses and resumes that other processes (`agentctl pause`/`resume`) wrote to the shared store to a
/// running scheduler, by reading the stored schedule states every ``ScheduleControl/pollInterval``.
///
/// Only a *change* of the stored pause flag since the previous look is applied, and only when the scheduler
/// disagrees with it; so the scheduler's own pauses (after repeated failures), which reach the store a moment
/// after they take effect, are never undone. On the first look every disagreement is applied: the store is what
/// `pause` wrote while the scheduler was starting.
struct ExternalPauseSync: Sendable {
    let scheduler: AgentScheduler
    let store: any AgentStore
    let clock: any AgentClock

    /// Polls until the task is cancelled.
    func run() async {
        var lastSeen: [AgentName: Bool]?
        while !Task.isCancelled {
            lastSeen = await look(lastSeen: lastSeen) ?? lastSeen
            try? await clock.sleep(until: clock.now.addingTimeInterval(ScheduleControl.pollInterval.timeInterval))
        }
    }

    /// One look: applies changes and returns the stored flags, or `nil` when the store could not be read (the
    /// scheduler reports store failures itself).
    func look(lastSeen: [AgentName: Bool]?) async -> [AgentName: Bool]? {
        guard let states = try? await store.allScheduleStates() else { return nil }
        let stored = Dictionary(states.map { ($0.agentName, $0) }, uniquingKeysWith: { _, last in last })
        var seen: [AgentName: Bool] = [:]
        for agent in await scheduler.agents() {
            let state = stored[agent.name]
            let paused = state?.isPaused ?? false
            seen[agent.name] = paused
            let changed = lastSeen.map { $0[agent.name] != paused } ?? true
            guard changed, paused != agent.isPaused else { continue }
            if paused {
                try? await scheduler.pause(agent.name, reason: state?.pausedReason ?? "paused by another process")
            } else {
                try? await scheduler.resume(agent.name)
            }
        }
        return seen
    }
}

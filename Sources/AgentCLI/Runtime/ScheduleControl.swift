import AgentCore
import AgentScheduling
import Foundation

/// Pause and resume across processes: `agentctl pause` writes the agent's schedule state in the shared store, and
/// a running `agentctl serve` picks the change up within ``pollInterval`` (see ``ExternalPauseSync``).
///
/// While `serve` runs it holds the store lease ``serveLeaseName``; `pause`/`resume` use it to know whether a
/// scheduler must pick the change up, and then check that it did (a scheduler that saved the agent's state at the
/// same instant could otherwise overwrite it).
enum ScheduleControl {
    /// The store lease a running `serve` holds.
    static let serveLeaseName = "agentctl.serve"
    /// How long the serve lease lasts unless renewed.
    static let serveLeaseDuration = Duration.seconds(15)
    /// How often `serve` renews the lease.
    static let serveLeaseRenewal = Duration.seconds(5)
    /// How often `serve` looks for pause changes made by other processes.
    static let pollInterval = Duration.milliseconds(500)

    /// The outcome of ``setPaused(_:agent:reason:store:clock:)``.
    struct Outcome: Sendable {
        /// The state now stored.
        var state: ScheduleState
        /// Whether the agent was already in the requested state (nothing was written).
        var unchanged: Bool
        /// The serve process that picked the change up, if one runs.
        var serveOwner: String?
    }

    /// Pauses or resumes an agent in the store; a running `serve` applies it within ``pollInterval``.
    ///
    /// Resuming also resets the failure streak, as ``AgentScheduler/resume(_:)`` does.
    /// - Throws: ``StoreError`` when the store cannot be read or written.
    static func setPaused(
        _ paused: Bool, agent: AgentName, reason: String?, store: any AgentStore, clock: any AgentClock = SystemClock()
    ) async throws -> Outcome {
        let serve = try await store.lease(named: serveLeaseName)
        var state = try await store.scheduleState(for: agent) ?? ScheduleState(agentName: agent)
        guard state.isPaused != paused else {
            return Outcome(state: state, unchanged: true, serveOwner: serve?.owner)
        }
        func apply(_ state: inout ScheduleState) {
            state.isPaused = paused
            state.pausedReason = paused ? reason ?? "paused with agentctl pause" : nil
            if !paused { state.consecutiveFailures = 0 }
        }
        apply(&state)
        try await store.saveScheduleState(state)
        guard serve != nil else { return Outcome(state: state, unchanged: false, serveOwner: nil) }
        // A scheduler that saved this agent's state just before it saw the change may have overwritten it: check
        // after the scheduler has certainly polled, and write again if so.
        for _ in 0..<5 {
            try await clock.sleep(until: clock.now.addingTimeInterval((pollInterval * 3).timeInterval))
            var current = try await store.scheduleState(for: agent) ?? ScheduleState(agentName: agent)
            if current.isPaused == paused { return Outcome(state: current, unchanged: false, serveOwner: serve?.owner) }
            apply(&current)
            try await store.saveScheduleState(current)
            state = current
        }
        return Outcome(state: state, unchanged: false, serveOwner: serve?.owner)
    }
}

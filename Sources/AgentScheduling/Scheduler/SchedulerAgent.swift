import AgentCore
import Foundation

/// What the scheduler knows about one registered agent.
///
/// A class owned by the scheduler actor (never shared outside it), so the hot paths read and update an entry
/// in place instead of copying it out of the registry and back.
final class SchedulerAgent {
    /// The definition, as registered or last updated.
    var definition: any AgentDefinition
    /// The definition's policy, read once.
    var policy: RunPolicy
    /// The resolved schedule (never fires for a manual-only agent).
    var schedule: Schedule
    /// Whether the agent runs on its schedule (the definition's flag, changed by enable and disable).
    var isEnabled: Bool
    /// When it was registered: an agent without persisted state fires from here on.
    let registeredAt: Date
    /// Paused flag and reason, failure streak and last fire, as persisted (``ScheduleState/nextFireAt`` is
    /// derived: see ``persistentState``).
    var state: ScheduleState
    /// The next fire not yet collected; kept while paused so that resuming applies the misfire policy.
    var nextFire: Date?
    /// Fires collected but not yet started or recorded; the persisted next fire never passes them, so a crash
    /// cannot lose a fire.
    var heldFires: [Date] = []
    /// The state last written to the store.
    var saved: ScheduleState?
    /// Whether the state was loaded from the store.
    var isLoaded = false

    init(definition: any AgentDefinition, schedule: Schedule, registeredAt: Date) {
        self.definition = definition
        self.policy = definition.policy
        self.schedule = schedule
        self.isEnabled = definition.isEnabled
        self.registeredAt = registeredAt
        self.state = ScheduleState(agentName: definition.name)
    }

    /// Whether the agent's fires are collected: it has a schedule, is enabled, not paused and loaded.
    var isScheduled: Bool { !schedule.isManualOnly && isEnabled && !state.isPaused && isLoaded }

    /// The state to persist: the earliest fire not yet handled is the next fire.
    var persistentState: ScheduleState {
        var persistent = state
        let earliestHeld = heldFires.min()
        persistent.nextFireAt = earliestHeld.map { held in nextFire.map { min(held, $0) } ?? held } ?? nextFire
        return persistent
    }

    /// Forgets a held fire once it started or was recorded.
    func release(fire: Date) {
        if let index = heldFires.firstIndex(of: fire) { heldFires.remove(at: index) }
    }
}

import AgentCore
import Foundation

extension DirectoryAgentStore {
    /// The saved schedule state of an agent.
    /// - Parameter agent: The agent.
    /// - Returns: The state, or `nil`.
    /// - Throws: ``StoreError`` when the file cannot be read.
    public func scheduleState(for agent: AgentName) async throws -> ScheduleState? {
        try await locked { [self] in try read(ScheduleState.self, at: scheduleURL(agent)) }
    }

    /// Saves (inserts or replaces) an agent's schedule state with the next version, and adds it to the feed.
    /// - Parameter state: The state.
    /// - Throws: ``StoreError`` when the file cannot be written.
    public func saveScheduleState(_ state: ScheduleState) async throws {
        try await locked { [self] in
            var stored = state
            stored.version = (try read(ScheduleState.self, at: scheduleURL(state.agentName))?.version ?? 0) + 1
            try write(stored, to: scheduleURL(state.agentName))
            try appendChange(.scheduleState(stored))
        }
    }

    /// Reads, changes and writes an agent's state without losing another process's write in between.
    ///
    /// Optimistic concurrency, as a database would do it (`UPDATE … WHERE version = $read`): read the state,
    /// change a copy outside the lock, then write it under the lock only if the stored version is still the one
    /// read; otherwise run the change again on the newer state.
    /// - Parameters:
    ///   - agent: The agent.
    ///   - change: The change (it may run more than once).
    /// - Returns: The state as stored afterwards.
    /// - Throws: ``StoreError`` when a file cannot be read or written.
    public func updateScheduleState(
        for agent: AgentName, _ change: @Sendable (inout ScheduleState) -> Void
    ) async throws -> ScheduleState {
        while true {
            let stored = try await scheduleState(for: agent)
            let before = stored ?? ScheduleState(agentName: agent)
            var after = before
            change(&after)
            after.agentName = agent
            after.version = before.version
            if after == before { return before }
            after.version += 1
            let candidate = after
            let written = try await locked { [self] in
                let current = try read(ScheduleState.self, at: scheduleURL(agent))
                guard current?.version == stored?.version else { return false }
                try write(candidate, to: scheduleURL(agent))
                try appendChange(.scheduleState(candidate))
                return true
            }
            if written { return candidate }
        }
    }

    /// Every saved state, ordered by agent name.
    /// - Returns: The states.
    /// - Throws: ``StoreError`` when a file cannot be read.
    public func allScheduleStates() async throws -> [ScheduleState] {
        try await locked { [self] in
            try readAll(ScheduleState.self, in: "schedules").sorted { $0.agentName < $1.agentName }
        }
    }

    /// Forgets an agent's schedule state, and adds the removal to the feed.
    /// - Parameter agent: The agent.
    /// - Throws: ``StoreError`` when the file cannot be deleted.
    public func removeScheduleState(for agent: AgentName) async throws {
        try await locked { [self] in
            guard FileManager.default.fileExists(atPath: scheduleURL(agent).path) else { return }
            try delete(scheduleURL(agent))
            try appendChange(.scheduleStateRemoved(agent))
        }
    }
}

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

    /// Saves (inserts or replaces) an agent's schedule state.
    /// - Parameter state: The state.
    /// - Throws: ``StoreError`` when the file cannot be written.
    public func saveScheduleState(_ state: ScheduleState) async throws {
        try await locked { [self] in try write(state, to: scheduleURL(state.agentName)) }
    }

    /// Every saved state, ordered by agent name.
    /// - Returns: The states.
    /// - Throws: ``StoreError`` when a file cannot be read.
    public func allScheduleStates() async throws -> [ScheduleState] {
        try await locked { [self] in
            try readAll(ScheduleState.self, in: "schedules").sorted { $0.agentName < $1.agentName }
        }
    }

    /// Forgets an agent's schedule state.
    /// - Parameter agent: The agent.
    /// - Throws: ``StoreError`` when the file cannot be deleted.
    public func removeScheduleState(for agent: AgentName) async throws {
        try await locked { [self] in try delete(scheduleURL(agent)) }
    }
}

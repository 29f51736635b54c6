import AgentCore
import Foundation
import Synchronization

extension JSONFileAgentStore {
    /// See ``ScheduleStateStore/scheduleState(for:)``.
    /// - Parameter agent: The agent.
    /// - Returns: The saved state, or `nil`.
    /// - Throws: ``StoreError`` when the journal cannot be read.
    public func scheduleState(for agent: AgentName) async throws -> ScheduleState? {
        try await engine.read { $0.schedules[agent] }
    }

    /// See ``ScheduleStateStore/saveScheduleState(_:)``. Timestamps are kept to the millisecond.
    /// - Parameter state: The state.
    /// - Throws: ``StoreError`` when the journal cannot be written.
    public func saveScheduleState(_ state: ScheduleState) async throws {
        _ = try await engine.perform(.saveSchedule(state))
    }

    /// See ``ScheduleStateStore/allScheduleStates()``.
    /// - Returns: Every saved state, by agent name.
    /// - Throws: ``StoreError`` when the journal cannot be read.
    public func allScheduleStates() async throws -> [ScheduleState] {
        try await engine.read { $0.schedules.values.sorted { $0.agentName < $1.agentName } }
    }

    /// See ``ScheduleStateStore/removeScheduleState(for:)``.
    /// - Parameter agent: The agent.
    /// - Throws: ``StoreError`` when the journal cannot be written.
    public func removeScheduleState(for agent: AgentName) async throws {
        _ = try await engine.perform(.removeSchedule(agent))
    }
}

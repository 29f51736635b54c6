import AgentCore
import Foundation
import PostgresNIO

extension PostgresAgentStore {
    private typealias StateRow = (String, Int64?, Int64?, Bool, String?, Int, Int64, String?)

    private var stateColumns: String {
        "agent, \(table("ms"))(next_fire_at), \(table("ms"))(last_fire_at), is_paused, paused_reason, "
            + "consecutive_failures::bigint, version, schedule_override::text"
    }

    /// See ``ScheduleStateStore/scheduleState(for:)``.
    /// - Parameter agent: The agent.
    /// - Returns: The saved state, if any.
    /// - Throws: ``StoreError`` when the database cannot be read.
    public func scheduleState(for agent: AgentName) async throws -> ScheduleState? {
        let rows = try await database.rows(
            """
            SELECT \(unescaped: stateColumns) FROM \(unescaped: table("schedule_states"))
            WHERE agent = \(agent.rawValue)
            """)
        return try decode(rows.first, as: StateRow.self).map { try Self.state($0) }
    }

    /// See ``ScheduleStateStore/saveScheduleState(_:)``.
    /// - Parameter state: The state.
    /// - Throws: ``StoreError`` when the database cannot be written.
    public func saveScheduleState(_ state: ScheduleState) async throws {
        try await write { transaction in
            let rows = try await transaction.rows(try upsert(state, version: nil))
            var stored = state
            let version: Int64? = try decode(rows.first, as: Int64.self)
            stored.version = UInt64(clamping: version ?? 1)
            return ((), [.scheduleState(stored)])
        }
    }

    /// See ``ScheduleStateStore/updateScheduleState(for:_:)``: the row is locked (`FOR UPDATE`) while the change
    /// is applied; a first write that races another first write of the same agent is retried.
    /// - Parameters:
    ///   - agent: The agent.
    ///   - change: The change.
    /// - Returns: The state as stored afterwards.
    /// - Throws: ``StoreError`` when the database cannot be read or written.
    public func updateScheduleState(
        for agent: AgentName, _ change: @Sendable (inout ScheduleState) -> Void
    ) async throws -> ScheduleState {
        while true {
            let outcome: ScheduleState? = try await write { transaction in
                let rows = try await transaction.rows(
                    """
                    SELECT \(unescaped: stateColumns) FROM \(unescaped: table("schedule_states"))
                    WHERE agent = \(agent.rawValue) FOR UPDATE
                    """)
                let existing = try decode(rows.first, as: StateRow.self).map { try Self.state($0) }
                let before = existing ?? ScheduleState(agentName: agent)
                var after = before
                change(&after)
                after.agentName = agent
                after.version = before.version
                guard after != before else { return (before, []) }
                let written = try await transaction.rows(
                    try upsert(after, version: existing == nil ? 0 : before.version))
                // No row: another process wrote the first state of this agent meanwhile; apply the change again.
                guard let version = try decode(written.first, as: Int64.self) else { return (nil, []) }
                after.version = UInt64(clamping: version)
                return (after, [.scheduleState(after)])
            }
            if let outcome { return outcome }
        }
    }

    /// See ``ScheduleStateStore/allScheduleStates()``.
    /// - Returns: Every state, by agent name.
    /// - Throws: ``StoreError`` when the database cannot be read.
    public func allScheduleStates() async throws -> [ScheduleState] {
        let rows = try await database.rows(
            "SELECT \(unescaped: stateColumns) FROM \(unescaped: table("schedule_states")) ORDER BY agent COLLATE \"C\""
        )
        return try decodeAll(rows, as: StateRow.self).map { try Self.state($0) }
    }

    /// See ``ScheduleStateStore/removeScheduleState(for:)``.
    /// - Parameter agent: The agent.
    /// - Throws: ``StoreError`` when the database cannot be written.
    public func removeScheduleState(for agent: AgentName) async throws {
        try await write { transaction in
            let rows = try await transaction.rows(
                "DELETE FROM \(unescaped: table("schedule_states")) WHERE agent = \(agent.rawValue) RETURNING agent")
            return ((), rows.isEmpty ? [] : [.scheduleStateRemoved(agent)])
        }
    }

    /// Writes a state with the next version. With `version` `nil` it replaces whatever is stored; with a version it
    /// writes only over that version (0: only when no row exists), returning no row otherwise.
    private func upsert(_ state: ScheduleState, version: UInt64?) throws -> PostgresQuery {
        let override = try state.scheduleOverride.map(WorkflowRecordCodec.json)
        let guardClause = version.map { "WHERE states.version = \($0)" } ?? ""
        let conflict =
            version == 0
            ? "DO NOTHING"
            : """
            DO UPDATE SET next_fire_at = excluded.next_fire_at, last_fire_at = excluded.last_fire_at,
                is_paused = excluded.is_paused, paused_reason = excluded.paused_reason,
                consecutive_failures = excluded.consecutive_failures, schedule_override = excluded.schedule_override,
                version = states.version + 1 \(guardClause)
            """
        return """
            INSERT INTO \(unescaped: table("schedule_states")) AS states
                (agent, next_fire_at, last_fire_at, is_paused, paused_reason, consecutive_failures, schedule_override,
                version)
            VALUES (\(state.agentName.rawValue), \(unescaped: table("ts"))(\(state.nextFireAt?.milliseconds)),
                \(unescaped: table("ts"))(\(state.lastFireAt?.milliseconds)), \(state.isPaused), \(state.pausedReason),
                \(Int32(clamping: state.consecutiveFailures)), CAST(\(override) AS jsonb), 1)
            ON CONFLICT (agent) \(unescaped: conflict)
            RETURNING version
            """
    }

    private static func state(_ row: StateRow) throws -> ScheduleState {
        ScheduleState(
            agentName: try storedAgentName(row.0), nextFireAt: row.1.map(Date.init(milliseconds:)),
            lastFireAt: row.2.map(Date.init(milliseconds:)), isPaused: row.3, pausedReason: row.4,
            consecutiveFailures: row.5,
            scheduleOverride: try row.7.map { try WorkflowRecordCodec.record(ScheduleConfiguration.self, $0) },
            version: UInt64(clamping: row.6))
    }
}

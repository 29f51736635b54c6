import AgentCore
import Foundation
import PostgresNIO

extension PostgresAgentStore {
    private typealias PresenceRow = (String, String, Int32, String, [String], Int64, Int64, Int64)

    private var presenceColumns: String {
        "id, host, process_id, role, agents, \(table("ms"))(started_at), \(table("ms"))(last_heartbeat_at), "
            + "\(table("ms"))(expires_at)"
    }

    /// See ``PresenceStore/heartbeat(_:timeToLive:)``: one upsert on the database's clock; a runner whose presence had
    /// expired starts anew. Presences expired for more than a day are removed on the way.
    /// - Parameters:
    ///   - presence: The runner's identity.
    ///   - timeToLive: How long it counts as alive.
    /// - Returns: The presence as stored.
    /// - Throws: ``StoreError`` when the database cannot be written.
    public func heartbeat(_ presence: RunnerPresence, timeToLive: Duration) async throws -> RunnerPresence {
        let ts = table("ts")
        let rows = try await database.rows(
            """
            WITH clock AS (SELECT \(unescaped: table("now_ms"))(\(injectedNow)) AS now),
            stale AS (
                DELETE FROM \(unescaped: table("presences"))
                WHERE expires_at < \(unescaped: ts)((SELECT now FROM clock) - 86400000) AND id <> \(presence.id)
            )
            INSERT INTO \(unescaped: table("presences")) AS presence
                (id, host, process_id, role, agents, started_at, last_heartbeat_at, expires_at)
            SELECT \(presence.id), \(presence.host), \(presence.processID), \(presence.role),
                \(presence.agents.map(\.rawValue))::text[], \(unescaped: ts)(clock.now), \(unescaped: ts)(clock.now),
                \(unescaped: ts)(clock.now + \(timeToLive.wholeMilliseconds))
            FROM clock
            ON CONFLICT (id) DO UPDATE SET
                host = excluded.host, process_id = excluded.process_id, role = excluded.role, agents = excluded.agents,
                started_at = CASE WHEN presence.expires_at > excluded.last_heartbeat_at
                    THEN presence.started_at ELSE excluded.started_at END,
                last_heartbeat_at = excluded.last_heartbeat_at, expires_at = excluded.expires_at
            RETURNING \(unescaped: presenceColumns)
            """)
        guard let row = try decode(rows.first, as: PresenceRow.self) else {
            throw StoreError(.io, "the heartbeat of \(presence.id) returned no row from \(location)")
        }
        return try Self.presence(row)
    }

    /// See ``PresenceStore/livePresences()``.
    /// - Returns: The runners alive on the database's clock, oldest start first.
    /// - Throws: ``StoreError`` when the database cannot be read.
    public func livePresences() async throws -> [RunnerPresence] {
        let rows = try await database.rows(
            """
            SELECT \(unescaped: presenceColumns) FROM \(unescaped: table("presences"))
            WHERE expires_at > \(unescaped: table("ts"))(\(unescaped: table("now_ms"))(\(injectedNow)))
            ORDER BY started_at, id COLLATE "C"
            """)
        return try decodeAll(rows, as: PresenceRow.self).map(Self.presence)
    }

    /// See ``PresenceStore/removePresence(id:)``.
    /// - Parameter id: The runner id.
    /// - Throws: ``StoreError`` when the database cannot be written.
    public func removePresence(id: String) async throws {
        try await database.rows("DELETE FROM \(unescaped: table("presences")) WHERE id = \(id)")
    }

    private static func presence(_ row: PresenceRow) throws -> RunnerPresence {
        var presence = RunnerPresence(
            id: row.0, host: row.1, processID: row.2, agents: try row.4.map(storedAgentName), role: row.3)
        presence.startedAt = Date(milliseconds: row.5)
        presence.lastHeartbeatAt = Date(milliseconds: row.6)
        presence.expiresAt = Date(milliseconds: row.7)
        return presence
    }
}

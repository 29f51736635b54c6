import Foundation

/// A live runner, as it announces itself in the store: who it is and when it last showed signs of life.
///
/// A runner writes its presence with ``PresenceStore/heartbeat(_:timeToLive:)`` every few seconds; an entry whose
/// ``expiresAt`` (on the store's clock) has passed belongs to a runner that stopped or died.
public struct RunnerPresence: Sendable, Hashable, Codable {
    /// The runner's id (its lease-owner identity, unique per process).
    public var id: String
    /// The host it runs on.
    public var host: String
    /// Its process id.
    public var processID: Int32
    /// When it started, on the store's clock (set by the first heartbeat).
    public var startedAt: Date
    /// Its last heartbeat, on the store's clock.
    public var lastHeartbeatAt: Date
    /// When it counts as gone unless it beats again, on the store's clock.
    public var expiresAt: Date
    /// The agents it schedules.
    public var agents: [AgentName]
    /// What kind of host it is (for example "agentctl serve", "agent-server").
    public var role: String

    /// Creates a presence; the store sets the three timestamps when it is written.
    /// - Parameters:
    ///   - id: The runner's unique id.
    ///   - host: Its host name.
    ///   - processID: Its process id.
    ///   - agents: The agents it schedules.
    ///   - role: What kind of host it is.
    public init(id: String, host: String, processID: Int32, agents: [AgentName] = [], role: String = "runner") {
        self.id = id
        self.host = host
        self.processID = processID
        self.agents = agents
        self.role = role
        let epoch = Date(timeIntervalSince1970: 0)
        self.startedAt = epoch
        self.lastHeartbeatAt = epoch
        self.expiresAt = epoch
    }
}

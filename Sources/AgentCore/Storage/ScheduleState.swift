import Foundation

/// What the scheduler remembers about one agent between restarts.
public struct ScheduleState: Sendable, Hashable, Codable {
    /// The agent.
    public var agentName: AgentName
    /// The next nominal fire time, if the agent has a schedule.
    public var nextFireAt: Date?
    /// The last nominal fire time that was handled (run, skipped or coalesced).
    public var lastFireAt: Date?
    /// Whether the agent is paused.
    public var isPaused: Bool
    /// Why it is paused.
    public var pausedReason: String?
    /// Failed runs in a row since the last success.
    public var consecutiveFailures: Int
    /// A schedule set at run time (from `RunnerControl.setSchedule`, the HTTP API or another process) that
    /// replaces the agent's configured schedule on every runner until it is cleared; `nil` keeps the configured one.
    public var scheduleOverride: ScheduleConfiguration?
    /// How many times the state was written: set by the store on every write (0 for a state never stored).
    public var version: UInt64

    /// Creates a state.
    /// - Parameters:
    ///   - agentName: The agent.
    ///   - nextFireAt: The next nominal fire time.
    ///   - lastFireAt: The last handled fire time.
    ///   - isPaused: Whether the agent is paused.
    ///   - pausedReason: Why.
    ///   - consecutiveFailures: The current failure streak.
    ///   - scheduleOverride: A schedule that replaces the configured one, if any.
    ///   - version: The store's write counter (stores set it).
    public init(
        agentName: AgentName, nextFireAt: Date? = nil, lastFireAt: Date? = nil, isPaused: Bool = false,
        pausedReason: String? = nil, consecutiveFailures: Int = 0, scheduleOverride: ScheduleConfiguration? = nil,
        version: UInt64 = 0
    ) {
        self.agentName = agentName
        self.nextFireAt = nextFireAt
        self.lastFireAt = lastFireAt
        self.isPaused = isPaused
        self.pausedReason = pausedReason
        self.consecutiveFailures = consecutiveFailures
        self.scheduleOverride = scheduleOverride
        self.version = version
    }

    private enum CodingKeys: String, CodingKey {
        case agent, nextFireAt, lastFireAt, isPaused, pausedReason, consecutiveFailures, scheduleOverride, version
    }

    /// Decodes a state with ISO-8601 timestamps.
    /// - Throws: `DecodingError` for a missing field or a bad timestamp.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func date(_ key: CodingKeys) throws -> Date? {
            guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "\"\(text)\" is not an ISO-8601 timestamp")
            }
            return date
        }
        agentName = try container.decode(AgentName.self, forKey: .agent)
        nextFireAt = try date(.nextFireAt)
        lastFireAt = try date(.lastFireAt)
        isPaused = try container.decodeIfPresent(Bool.self, forKey: .isPaused) ?? false
        pausedReason = try container.decodeIfPresent(String.self, forKey: .pausedReason)
        consecutiveFailures = try container.decodeIfPresent(Int.self, forKey: .consecutiveFailures) ?? 0
        scheduleOverride = try container.decodeIfPresent(ScheduleConfiguration.self, forKey: .scheduleOverride)
        version = try container.decodeIfPresent(UInt64.self, forKey: .version) ?? 0
    }

    /// Encodes the state with ISO-8601 timestamps.
    /// - Throws: Whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(agentName, forKey: .agent)
        try container.encodeIfPresent(nextFireAt.map(Timestamp.format), forKey: .nextFireAt)
        try container.encodeIfPresent(lastFireAt.map(Timestamp.format), forKey: .lastFireAt)
        try container.encode(isPaused, forKey: .isPaused)
        try container.encodeIfPresent(pausedReason, forKey: .pausedReason)
        try container.encode(consecutiveFailures, forKey: .consecutiveFailures)
        try container.encodeIfPresent(scheduleOverride, forKey: .scheduleOverride)
        try container.encode(version, forKey: .version)
    }
}

/// The payload of ``RunEvent/Kind/agentPaused`` and ``RunEvent/Kind/agentResumed``.
public struct PauseDetails: Sendable, Hashable, Codable {
    /// Whether the scheduler paused the agent by itself after consecutive failures (always `false` for a resume).
    public var automatic: Bool
    /// The agent's consecutive failed runs when it was paused, if known.
    public var consecutiveFailures: Int?
    /// Who paused or resumed the agent.
    public var origin: ControlOrigin

    /// Creates the payload.
    /// - Parameters:
    ///   - automatic: Whether the pause was automatic.
    ///   - consecutiveFailures: The failure streak at the time.
    ///   - origin: Who paused or resumed.
    public init(automatic: Bool, consecutiveFailures: Int? = nil, origin: ControlOrigin = .scheduler) {
        self.automatic = automatic
        self.consecutiveFailures = consecutiveFailures
        self.origin = origin
    }
}

import AgentCore
import Foundation

/// A snapshot of the scheduler and every agent, from ``AgentScheduler/health(window:)``.
public struct SchedulerHealth: Sendable, Hashable {
    /// When the snapshot was taken, on the scheduler's clock.
    public var takenAt: Date
    /// The window the run statistics cover (default 24 h).
    public var window: Duration
    /// The scheduler's state.
    public var state: SchedulerState
    /// Runs due but not started: waiting for a slot, or behind their agent's active run.
    public var queueDepth: Int
    /// Runs holding a concurrency slot.
    public var runningCount: Int
    /// Retries waiting for their delay to pass.
    public var waitingRetries: Int
    /// The concurrency limit.
    public var concurrencyLimit: Int
    /// The store error while the state is ``SchedulerState/error``.
    public var storeError: String?
    /// Every registered agent, ordered by name.
    public var agents: [AgentHealth]

    /// Creates a snapshot.
    /// - Parameters:
    ///   - takenAt: When.
    ///   - window: The window of the run statistics.
    ///   - state: The scheduler's state.
    ///   - queueDepth: Runs due but not started.
    ///   - runningCount: Runs holding a slot.
    ///   - waitingRetries: Retries waiting for their delay.
    ///   - concurrencyLimit: The concurrency limit.
    ///   - storeError: The store error, if any.
    ///   - agents: Every agent.
    public init(
        takenAt: Date, window: Duration, state: SchedulerState, queueDepth: Int, runningCount: Int,
        waitingRetries: Int, concurrencyLimit: Int, storeError: String?, agents: [AgentHealth]
    ) {
        self.takenAt = takenAt
        self.window = window
        self.state = state
        self.queueDepth = queueDepth
        self.runningCount = runningCount
        self.waitingRetries = waitingRetries
        self.concurrencyLimit = concurrencyLimit
        self.storeError = storeError
        self.agents = agents
    }
}

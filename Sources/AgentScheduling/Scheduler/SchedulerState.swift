/// What the scheduler as a whole is doing; every change is published as a
/// ``RunEvent/Kind/schedulerStateChanged`` event.
public struct SchedulerState: Sendable, Hashable, CustomStringConvertible {
    private enum Storage: String, Sendable, Hashable {
        case idle, running, paused, error, stopping, stopped
    }

    private let storage: Storage

    private init(_ storage: Storage) { self.storage = storage }

    /// Nothing is scheduled, queued or running.
    public static let idle = SchedulerState(.idle)
    /// Agents are scheduled, or runs are queued or running.
    public static let running = SchedulerState(.running)
    /// Paused by ``AgentScheduler/pause()``: no run starts until ``AgentScheduler/resume()``.
    public static let paused = SchedulerState(.paused)
    /// The store cannot be reached; the scheduler retries with backoff and recovers by itself.
    public static let error = SchedulerState(.error)
    /// Shutting down: no run starts; running runs get the grace period, then are cancelled.
    public static let stopping = SchedulerState(.stopping)
    /// ``AgentScheduler/run()`` has returned.
    public static let stopped = SchedulerState(.stopped)

    /// `idle`, `running`, `paused`, `error`, `stopping` or `stopped`.
    public var description: String { storage.rawValue }
}

import Foundation

/// The real clock: the wall-clock time for timestamps and the monotonic clock for waiting.
///
/// This is the only place in the package that reads the time of day.
public struct SystemClock: AgentClock {
    /// Creates the clock.
    public init() {}

    /// The current wall-clock time.
    public var now: Date { Date() }

    /// Sleeps on the monotonic clock for the time between now and `deadline`.
    ///
    /// If the wall clock is stepped while sleeping, the sleep still lasts the original duration; callers
    /// that must react to wall-clock steps (the scheduler) re-read ``now`` after waking.
    /// - Parameter deadline: The instant to wake at.
    /// - Throws: `CancellationError` when the task is cancelled.
    public func sleep(until deadline: Date) async throws {
        let interval = deadline.timeIntervalSince(Date())
        guard interval > 0 else {
            try Task.checkCancellation()
            return
        }
        try await Task.sleep(for: .interval(interval), tolerance: .milliseconds(1), clock: .continuous)
    }
}

import Foundation

/// The source of time for everything in the package: timestamps, leases, timeouts and schedules.
///
/// Production code uses ``SystemClock``; tests and dry runs use ``ManualClock`` and move time by hand.
/// Nothing in the library reads the wall clock except ``SystemClock``.
public protocol AgentClock: Sendable {
    /// The current time.
    var now: Date { get }

    /// Suspends until `deadline` (returns at once if it has passed).
    /// - Parameter deadline: The instant to wake at.
    /// - Throws: `CancellationError` when the calling task is cancelled while waiting.
    func sleep(until deadline: Date) async throws

    /// Calls `action` once when the clock reaches `deadline`, unless the returned timer is cancelled first.
    ///
    /// Watchdogs (a run's deadline and lease renewal) use timers rather than a sleeping task each. The
    /// default implementation sleeps in a new task; ``ManualClock`` keeps timers alongside its sleepers, so
    /// ``ManualClock/advance(to:)`` fires them in deadline order and ``ManualClock/sleeperCount`` counts them.
    /// - Parameters:
    ///   - deadline: When to call `action`; a deadline that has passed calls it as soon as possible.
    ///   - action: What to do; it must be quick (it may run on the task that moves a manual clock).
    /// - Returns: The handle that cancels the timer.
    func startTimer(at deadline: Date, _ action: @escaping @Sendable () -> Void) -> ClockTimer
}

extension AgentClock {
    /// Suspends for a duration measured on this clock.
    /// - Parameter duration: How long to wait.
    /// - Throws: `CancellationError` when the calling task is cancelled while waiting.
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now.addingTimeInterval(duration.timeInterval))
    }

    /// Calls `action` from a new task that sleeps on this clock until `deadline` (see the requirement).
    /// - Parameters:
    ///   - deadline: When to call `action`.
    ///   - action: What to do.
    /// - Returns: The handle that cancels the timer (and its task).
    public func startTimer(at deadline: Date, _ action: @escaping @Sendable () -> Void) -> ClockTimer {
        let task = Task {
            do {
                try await sleep(until: deadline)
            } catch {
                return
            }
            action()
        }
        return ClockTimer { task.cancel() }
    }
}

extension Duration {
    /// The duration in seconds as a `TimeInterval`.
    package var timeInterval: TimeInterval {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// Creates a duration from seconds given as a `TimeInterval` (rounded to nanoseconds).
    /// - Parameter interval: Seconds; negative and non-finite values become zero.
    /// - Returns: The duration.
    package static func interval(_ interval: TimeInterval) -> Duration {
        guard interval.isFinite, interval > 0 else { return .zero }
        return .nanoseconds(Int64(min(interval, 9.0e9) * 1e9))
    }
}
